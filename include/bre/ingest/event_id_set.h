// The set of event ids a batch has seen: the ids already stored plus the ones
// it inserted. Large loads dedupe here instead of probing the unique index
// once per event (and bulk loads must, while that index is dropped).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

namespace bre {

class EventIdSet {
 public:
  EventIdSet() = default;
  // Makes room for `ids` ids in all without growing again.
  void reserve(std::size_t ids);
  // False when the id was already in the set.
  bool insert(std::string_view id);
  std::size_t size() const { return size_ + (has_zero_key_ ? 1 : 0) + other_.size(); }

 private:
  // Derived ids, "ev_" and 32 hex digits, are kept as their 128 bits in an
  // open-addressing table (16 bytes an id, no allocation per id); any other
  // id (an input may carry its own) as a string.
  struct Key {
    std::uint64_t hi = 0, lo = 0;
    bool operator==(const Key&) const = default;
  };
  struct FreeSlots {
    void operator()(Key* p) const;
  };
  static bool parse_derived(std::string_view id, Key& key);
  bool insert_key(Key key);
  void rehash(std::size_t capacity);

  std::unique_ptr<Key[], FreeSlots> slots_;  // Key{} marks an empty slot
  std::size_t capacity_ = 0;                 // a power of two
  std::size_t size_ = 0;
  bool has_zero_key_ = false;  // the all-zero id, which Key{} cannot stand for
  std::unordered_set<std::string> other_;
};

}  // namespace bre
