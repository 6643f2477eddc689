#include "aws/sources/static_keys.h"

#include <gtest/gtest.h>

#include "fakes.h"

namespace cx::aws::sources {
namespace {

using namespace fakes;

TEST(StaticKeys, ProfileKeysAndEnvironmentKeysShareTheSourceShape) {
  FakeHttp http;
  FixedClock clock{test_now()};
  SourceContext ctx{env_of({{"AWS_ACCESS_KEY_ID", "ENVAK"}, {"AWS_SECRET_ACCESS_KEY", "ENVSK"}}),
                    http, clock};
  profile::BaseSource base = profile::StaticKeys{"p", "AK", "SK", "TOK", ""};
  auto c = std::visit(
      [&](const auto& s) -> Result<Credentials> {
        if constexpr (requires { fetch(s, ctx); })
          return fetch(s, ctx);
        else
          return make_error("not a source of this test");
      },
      base);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AK");
  EXPECT_EQ(c->secret_access_key, "SK");
  EXPECT_EQ(c->session_token, "TOK");
  auto e = fetch(profile::EnvironmentKeys{}, ctx);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->access_key_id, "ENVAK");
  EXPECT_FALSE(e->temporary());
  EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace cx::aws::sources
