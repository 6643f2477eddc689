#include "util/digest.h"

#include <gtest/gtest.h>

#include "util/hex.h"

namespace cx {
namespace {

TEST(Digest, Sha256KnownVectors) {
  EXPECT_EQ(to_hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Digest, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Hex, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(to_hex(std::string("\x00\x0f\xff", 3)), "000fff");
  EXPECT_EQ(to_hex(""), "");
}

}  // namespace
}  // namespace cx


namespace cx {
namespace {

TEST(DigestAwsForms, KnownVectors) {
  // FIPS 180 examples.
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// In parts, below and above the 1 MiB that is hashed at once: the same
// digest as the whole (which sha256() takes in one call).
TEST(Digest, Sha256StreamEqualsTheWhole) {
  for (size_t size : {size_t{0}, size_t{3}, size_t{1} << 20, (size_t{1} << 20) + 1, size_t{5} << 20}) {
    std::string data(size, '\0');
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131) ^ (i >> 9));
    Sha256Stream s;
    for (size_t off = 0; off < size; off += 65536) s.update(std::string_view(data).substr(off, 65536));
    EXPECT_EQ(to_hex(s.finish()), sha256_hex(data)) << size;
  }
  Sha256Stream abc;
  abc.update("a");
  abc.update("bc");
  EXPECT_EQ(to_hex(abc.finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace cx
