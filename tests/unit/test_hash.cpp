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
  Sha256Stream ids;  // as the scan digests its event ids
  for (const char* id : {"ev_1", "ev_2", "ev_3"}) {
    ids.update(id);
    ids.update("\n");
  }
  CHECK(ids.hex() == sha256_hex("ev_1\nev_2\nev_3\n"));
}
