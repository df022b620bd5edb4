#include "bre/ingest/event_id_set.h"

#include <algorithm>
#include <bit>

namespace bre {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is another id, not the same one
}

std::size_t slot_of(std::uint64_t hi, std::uint64_t lo, std::size_t mask) {
  // The bits are a SHA-256 prefix already, but a mixed hash keeps any other
  // input (an id a source chose) from clustering.
  std::uint64_t h = (hi ^ (lo * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
  return static_cast<std::size_t>(h ^ (h >> 29)) & mask;
}

}  // namespace

bool EventIdSet::parse_derived(std::string_view id, Key& key) {
  if (id.size() != 35 || id.substr(0, 3) != "ev_") return false;
  std::uint64_t half[2] = {0, 0};
  for (std::size_t i = 0; i < 32; ++i) {
    const int v = hex_value(id[3 + i]);
    if (v < 0) return false;
    half[i / 16] = (half[i / 16] << 4) | static_cast<std::uint64_t>(v);
  }
  key = {half[0], half[1]};
  return true;
}

void EventIdSet::reserve(std::size_t ids) {
  // Load factor at most 1/2.
  const std::size_t wanted = std::bit_ceil(std::max<std::size_t>(ids * 2, 1024));
  if (wanted <= slots_.size()) return;
  std::vector<Key> old = std::move(slots_);
  slots_.assign(wanted, Key{});
  size_ = 0;
  for (const Key& k : old)
    if (!(k == Key{})) insert_key(k);
}

void EventIdSet::grow() { reserve(slots_.empty() ? 1024 : slots_.size()); }

bool EventIdSet::insert_key(Key key) {
  if (key == Key{}) {
    const bool added = !has_zero_key_;
    has_zero_key_ = true;
    return added;
  }
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
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
