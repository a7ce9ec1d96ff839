// S3 specifics the shared contract does not cover: request signing details,
// error mapping, and that credentials never reach an error message.
#include "medallion/storage/s3_object_store.h"

#include <arrow/filesystem/filesystem.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <random>
#include <string>
#include <vector>

#include "medallion/storage/minio_test_server.h"
#include "medallion/storage/s3_http_client.h"

namespace medallion::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(S3HttpClientTest, Sha256HexMatchesTheStandardVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(S3HttpClientTest, KeysArePercentEncodedExceptSlashesAndUnreserved) {
  EXPECT_EQ(EncodeS3Key("_delta_log/00000000000000000000.json"), "_delta_log/00000000000000000000.json");
  EXPECT_EQ(EncodeS3Key("date=2024-01-01/a b+c~"), "date%3D2024-01-01/a%20b%2Bc~");
  EXPECT_EQ(EncodeS3Key("S\xC3\xA3o"), "S%C3%A3o");
}

TEST(S3HttpClientTest, UrlsArePathStyleForCustomEndpointsAndRegionalForAws) {
  S3Options minio;
  minio.endpoint_url = "http://127.0.0.1:9000/";
  EXPECT_EQ(S3HttpClient(minio, "b").ObjectUrl("k=1/x"), "http://127.0.0.1:9000/b/k%3D1/x");
  S3Options aws;
  aws.region = "eu-west-1";
  aws.path_style = false;
  EXPECT_EQ(S3HttpClient(aws, "b").ObjectUrl("x"), "https://b.s3.eu-west-1.amazonaws.com/x");
  S3Endpoint endpoint = ResolveS3Endpoint(minio);
  EXPECT_EQ(endpoint.scheme, "http");
  EXPECT_EQ(endpoint.host_port, "127.0.0.1:9000");
}

TEST(S3HttpClientTest, ConditionalWriteConflictsMapToAlreadyExists) {
  S3HttpClient client(S3Options{}, "b");
  S3Response precondition{412, "<Error><Code>PreconditionFailed</Code><Message>m</Message></Error>",
                          "PreconditionFailed"};
  EXPECT_TRUE(client.ErrorStatus("PUT", "k", precondition).IsAlreadyExists());
  S3Response in_flight{409, "", "ConditionalRequestConflict"};
  EXPECT_TRUE(client.ErrorStatus("PUT", "k", in_flight).IsAlreadyExists());
  S3Response other_conflict{409, "", "OperationAborted"};
  EXPECT_TRUE(client.ErrorStatus("PUT", "k", other_conflict).IsConflict());
  Status missing = client.ErrorStatus("GET", "dir/k", S3Response{404, "", "NoSuchKey"});
  EXPECT_TRUE(missing.IsNotFound());
  EXPECT_THAT(missing.message(), HasSubstr("s3://b/dir/k"));
}

class S3ObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::MinioServer::Get();
    ASSERT_TRUE(server.ok()) << "S3 tests need MinIO: " << server.status();
    server_ = *server;
    prefix_ = "s3://" + server_->bucket() + "/specific-" + std::to_string(std::random_device{}());
  }
  testing::MinioServer* server_ = nullptr;
  std::string prefix_;
};

TEST_F(S3ObjectStoreTest, AWrongSecretIsPermissionDeniedAndNoSecretIsInTheMessage) {
  S3Options options = server_->options();
  options.secret_key = "wrong-secret-5f3a9c";
  auto store = S3ObjectStore::Open(prefix_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  Status status = (*store)->WriteIfAbsent("_delta_log/00000000000000000000.json", "{}");
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << status;
  EXPECT_THAT(status.message(), HasSubstr("_delta_log/00000000000000000000.json"));
  EXPECT_THAT(status.message(), Not(HasSubstr("wrong-secret-5f3a9c")));
  EXPECT_THAT(status.message(), Not(HasSubstr(server_->options().secret_key)));
  auto read = (*store)->Read("x");
  EXPECT_THAT(read.status().message(), Not(HasSubstr("wrong-secret-5f3a9c")));
}

TEST_F(S3ObjectStoreTest, ASessionTokenIsSentWithEveryRequest) {
  // Root credentials with a session token that the server never issued: the
  // request is rejected only if the token actually reached the server.
  S3Options options = server_->options();
  options.session_token = "bogus-session-token";
  auto store = S3ObjectStore::Open(prefix_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  Status status = (*store)->Write("x", "y");
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << status;
  EXPECT_THAT(status.message(), HasSubstr("InvalidTokenId"));
  EXPECT_THAT(status.message(), Not(HasSubstr("bogus-session-token")));
}

TEST_F(S3ObjectStoreTest, AMissingBucketIsNotFoundAndNamesTheBucket) {
  auto store = S3ObjectStore::Open("s3://no-such-bucket-medallion/p", server_->options());
  ASSERT_TRUE(store.ok()) << store.status();
  Status status = (*store)->Write("x", "y");
  EXPECT_TRUE(status.IsNotFound()) << status;
  EXPECT_THAT(status.message(), HasSubstr("no-such-bucket-medallion"));
}

TEST_F(S3ObjectStoreTest, OpenObjectStoreTakesTheServerFromTheEnvironment) {
  const S3Options& server = server_->options();
  ::setenv("AWS_ACCESS_KEY_ID", server.access_key.c_str(), 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", server.secret_key.c_str(), 1);
  ::setenv("AWS_ENDPOINT_URL_S3", server.endpoint_url.c_str(), 1);
  ::setenv("AWS_REGION", server.region.c_str(), 1);
  auto store = OpenObjectStore(prefix_);
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  ::unsetenv("AWS_ENDPOINT_URL_S3");
  ::unsetenv("AWS_REGION");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->WriteIfAbsent("from-env.json", "{}").ok());
  EXPECT_EQ((*store)->Read("from-env.json").ValueOr(""), "{}");
}

TEST_F(S3ObjectStoreTest, ListingFollowsContinuationTokensAndStartsAfterOnTheServer) {
  auto store = S3ObjectStore::Open(prefix_, server_->options());
  ASSERT_TRUE(store.ok()) << store.status();
  (*store)->set_list_page_size(2);
  std::vector<std::string> expected;
  for (int v = 0; v < 7; ++v) {
    const std::string path = "_delta_log/0000000000000000000" + std::to_string(v) + ".json";
    ASSERT_TRUE((*store)->WriteIfAbsent(path, "{}").ok());
    expected.push_back(path);
  }
  auto all = (*store)->List("_delta_log");
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<std::string> listed;
  for (const ObjectInfo& o : *all) listed.push_back(o.path);
  EXPECT_EQ(listed, expected);

  auto tail = (*store)->List("_delta_log", "_delta_log/00000000000000000004.json");
  ASSERT_TRUE(tail.ok()) << tail.status();
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ((*tail)[0].path, "_delta_log/00000000000000000005.json");
  EXPECT_EQ((*tail)[1].path, "_delta_log/00000000000000000006.json");
}

TEST_F(S3ObjectStoreTest, FolderMarkersFromOtherToolsAreNotObjects) {
  auto store = S3ObjectStore::Open(prefix_, server_->options());
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Write("gold/t/part-0.parquet", "p").ok());
  // Arrow's CreateDir writes an empty "gold/t/empty/" key, as Spark and the
  // S3 console do.
  ASSERT_TRUE((*store)->arrow_filesystem()->CreateDir((*store)->ArrowPath("gold/t/empty"), false).ok());
  auto all = (*store)->ListRecursive("gold");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].path, "gold/t/part-0.parquet");
}

TEST(MinioServerTest, AMissingBinaryFailsWithInstructionsToRunSetup) {
  const char* old = std::getenv("MINIO_BIN");
  const std::string saved = old ? old : "";
  ::setenv("MINIO_BIN", "/nonexistent/minio", 1);
  auto server = testing::MinioServer::Launch();
  if (old) {
    ::setenv("MINIO_BIN", saved.c_str(), 1);
  } else {
    ::unsetenv("MINIO_BIN");
  }
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("run scripts/setup"));
  EXPECT_THAT(server.status().message(), HasSubstr("/nonexistent/minio"));
}

}  // namespace
}  // namespace medallion::storage
