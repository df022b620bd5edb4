// SHA-256, one-shot and in pieces, against the FIPS 180-2 test vectors.
#include <doctest/doctest.h>

#include <string>

#include "bre/core/hash.h"

using namespace bre;

TEST_CASE("sha256: the FIPS 180-2 vectors, one-shot and in pieces") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(sha256_hex(two_blocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

  // Pieces of every size, across the 64-byte block boundary: the digest of
  // their concatenation.
  for (std::size_t cut : {0ul, 1ul, 3ul, 55ul, 56ul}) {
    Sha256Stream s;
    s.update(std::string_view(two_blocks).substr(0, cut));
    s.update(std::string_view(two_blocks).substr(cut));
    CHECK(s.hex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  }
  Sha256Stream ids;  // a digest of ids in pieces
  for (const char* id : {"ev_1", "ev_2", "ev_3"}) {
    ids.update(id);
    ids.update("\n");
  }
  CHECK(ids.hex() == sha256_hex("ev_1\nev_2\nev_3\n"));
}

TEST_CASE("set hash: one item is its SHA-256, two are the word-wise sum, in any order, resumable from hex") {
  SetHash one;
  one.add("abc");
  CHECK(one.hex() == sha256_hex("abc"));
  // sha256("a") + sha256("b") as four little-endian 64-bit words, each modulo
  // 2^64 (computed with Python's hashlib and struct).
  const std::string a_and_b = "08bb6929ca5416152d4c8118ff048e8232446af99c507bbc84f46534858b4958";
  SetHash ab, ba;
  ab.add("a"), ab.add("b");
  ba.add("b"), ba.add("a");
  CHECK(ab.hex() == a_and_b);
  CHECK(ba.hex() == a_and_b);
  SetHash empty;
  CHECK(empty.hex() == std::string(64, '0'));
  // Resuming from the hex of a part gives the hex of the whole.
  const auto resumed = SetHash::from_hex(sha256_hex("a"));
  REQUIRE(resumed);
  SetHash rest = *resumed;
  rest.add("b");
  CHECK(rest.hex() == a_and_b);
  CHECK_FALSE(SetHash::from_hex("abc"));
  CHECK_FALSE(SetHash::from_hex(std::string(63, '0') + "G"));
  CHECK_FALSE(SetHash::from_hex(std::string(64, 'A')));  // upper case is not what hex() writes
}
