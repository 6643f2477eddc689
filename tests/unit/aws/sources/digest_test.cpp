#include "aws/sources/digest.h"

#include <gtest/gtest.h>

namespace cx::aws::sources {
namespace {

TEST(Digest, KnownVectors) {
  // FIPS 180 examples.
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace cx::aws::sources
