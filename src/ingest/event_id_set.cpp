#include "bre/ingest/event_id_set.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace bre {

namespace {

constexpr std::size_t kHugePage = 2u << 20;

// 0-15 for a lower-case hex digit, 255 otherwise (upper case is another id).
constexpr std::array<std::uint8_t, 256> kHexValue = [] {
  std::array<std::uint8_t, 256> t{};
  t.fill(255);
  for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<std::uint8_t>(c);
  for (int c = 0; c < 6; ++c) t['a' + c] = static_cast<std::uint8_t>(10 + c);
  return t;
}();

std::size_t slot_of(std::uint64_t hi, std::uint64_t lo, std::size_t mask) {
  // The bits are a SHA-256 prefix already, but a mixed hash keeps any other
  // input (an id a source chose) from clustering.
  std::uint64_t h = (hi ^ (lo * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
  return static_cast<std::size_t>(h ^ (h >> 29)) & mask;
}

}  // namespace

void EventIdSet::FreeSlots::operator()(Key* p) const { std::free(p); }

bool EventIdSet::parse_derived(std::string_view id, Key& key) {
  if (id.size() != 35 || id.substr(0, 3) != "ev_") return false;
  std::uint64_t half[2] = {0, 0};
  std::uint8_t bad = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const std::uint8_t v = kHexValue[static_cast<unsigned char>(id[3 + i])];
    bad |= v & 0xf0;
    half[i / 16] = (half[i / 16] << 4) | (v & 15u);
  }
  if (bad) return false;
  key = {half[0], half[1]};
  return true;
}

void EventIdSet::reserve(std::size_t ids) {
  // Load factor at most 3/4, so probe runs stay short.
  const std::size_t wanted = std::bit_ceil(std::max<std::size_t>(ids + ids / 3 + 1, 1024));
  if (wanted > capacity_) rehash(wanted);
}

void EventIdSet::rehash(std::size_t capacity) {
  // A table of millions of ids is read at random: on 2 MiB pages (where the
  // kernel grants them) it costs a TLB miss a lookup less.
  const bool huge = capacity * sizeof(Key) >= kHugePage;
  const std::size_t align = huge ? kHugePage : 64;
  const std::size_t bytes = (capacity * sizeof(Key) + align - 1) / align * align;
  void* memory = std::aligned_alloc(align, bytes);
  if (!memory) throw std::bad_alloc();
  if (huge) madvise(memory, bytes, MADV_HUGEPAGE);  // advice only: ignored where unsupported
  std::memset(memory, 0, bytes);
  std::unique_ptr<Key[], FreeSlots> old(static_cast<Key*>(memory));
  std::swap(old, slots_);
  const std::size_t old_capacity = std::exchange(capacity_, capacity);
  size_ = 0;
  for (std::size_t i = 0; i < old_capacity; ++i)
    if (!(old[i] == Key{})) insert_key(old[i]);
}

bool EventIdSet::insert_key(Key key) {
  if (key == Key{}) {
    const bool added = !has_zero_key_;
    has_zero_key_ = true;
    return added;
  }
  if ((size_ + 1) * 4 > capacity_ * 3) rehash(capacity_ ? capacity_ * 2 : 1024);
  const std::size_t mask = capacity_ - 1;
  for (std::size_t i = slot_of(key.hi, key.lo, mask);; i = (i + 1) & mask) {
    if (slots_[i] == key) return false;
    if (slots_[i] == Key{}) {
      slots_[i] = key;
      ++size_;
      return true;
    }
  }
}

bool EventIdSet::insert(std::string_view id) {
  Key key;
  if (parse_derived(id, key)) return insert_key(key);
  return other_.emplace(id).second;
}

}  // namespace bre
