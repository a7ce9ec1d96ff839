// Retries and lost answers, against a scripted loopback HTTP server: the
// failures a real S3 produces rarely (SlowDown, a dropped connection after
// the PUT landed) but a Delta commit must survive.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "medallion/storage/s3_http_client.h"
#include "medallion/storage/s3_object_store.h"

namespace medallion::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

// Answers one connection per scripted response, in order; std::nullopt
// closes the connection without answering (the answer was "lost").
class ScriptedHttpServer {
 public:
  explicit ScriptedHttpServer(std::vector<std::optional<std::string>> script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedHttpServer() {
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() {
    if (thread_.joinable()) thread_.join();
    return requests_;
  }

  static std::string Response(int status, const std::string& reason, const std::string& body) {
    return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  }
  static std::string S3Error(int status, const std::string& reason, const std::string& code) {
    return Response(status, reason, "<Error><Code>" + code + "</Code><Message>scripted</Message></Error>");
  }

 private:
  void Serve() {
    for (const std::optional<std::string>& answer : script_) {
      pollfd ready{listener_, POLLIN, 0};
      if (::poll(&ready, 1, 20000) != 1) return;  // the client gave up early
      int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) return;
      requests_.push_back(ReadRequest(connection));
      if (answer) (void)::write(connection, answer->data(), answer->size());
      ::close(connection);
    }
  }

  static std::string ReadRequest(int connection) {
    std::string request;
    char buffer[4096];
    size_t body_start = std::string::npos;
    size_t content_length = 0;
    while (body_start == std::string::npos || request.size() < body_start + content_length) {
      ssize_t n = ::read(connection, buffer, sizeof(buffer));
      if (n <= 0) break;
      request.append(buffer, static_cast<size_t>(n));
      if (body_start == std::string::npos && (body_start = request.find("\r\n\r\n")) != std::string::npos) {
        body_start += 4;
        std::string head = request.substr(0, body_start);
        for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (size_t at = head.find("content-length: "); at != std::string::npos) {
          content_length = std::stoul(head.substr(at + 16));
        }
        if (head.find("expect: 100-continue") != std::string::npos) {
          const std::string go_on = "HTTP/1.1 100 Continue\r\n\r\n";
          (void)::write(connection, go_on.data(), go_on.size());
        }
      }
    }
    return request;
  }

  std::vector<std::optional<std::string>> script_;
  std::vector<std::string> requests_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

std::shared_ptr<S3ObjectStore> StoreAt(const ScriptedHttpServer& server, int attempts = 4) {
  S3Options options;
  options.endpoint_url = server.endpoint();
  options.region = "us-east-1";
  options.access_key = "AKIDRETRYTEST";
  options.secret_key = "retry-secret-never-sent";
  auto store = S3ObjectStore::Open("s3://bucket/table", options);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  (*store)->set_retry_policy(attempts, std::chrono::milliseconds(1));
  return *store;
}

TEST(S3RetryTest, ReadRetriesSlowDownAndThenSucceeds) {
  ScriptedHttpServer server({ScriptedHttpServer::S3Error(503, "Slow Down", "SlowDown"),
                             ScriptedHttpServer::Response(200, "OK", "hello")});
  auto store = StoreAt(server);
  ASSERT_NE(store, nullptr);
  auto read = store->Read("_delta_log/00000000000000000000.json");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "hello");
  auto requests = server.requests();
  ASSERT_THAT(requests, SizeIs(2));
  EXPECT_THAT(requests[1], HasSubstr("GET /bucket/table/_delta_log/00000000000000000000.json HTTP/1.1"));
}

TEST(S3RetryTest, ConditionalPutIsSignedAndCarriesIfNoneMatchAndThePayloadHash) {
  ScriptedHttpServer server({ScriptedHttpServer::Response(200, "OK", "")});
  auto store = StoreAt(server);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->WriteIfAbsent("_delta_log/00000000000000000003.json", "{\"add\":{}}").ok());
  auto requests = server.requests();
  ASSERT_THAT(requests, SizeIs(1));
  const std::string& put = requests[0];
  EXPECT_THAT(put, HasSubstr("PUT /bucket/table/_delta_log/00000000000000000003.json HTTP/1.1"));
  EXPECT_THAT(put, HasSubstr("If-None-Match: *"));
  EXPECT_THAT(put, HasSubstr("x-amz-content-sha256: " + Sha256Hex("{\"add\":{}}")));
  EXPECT_THAT(put, HasSubstr("Authorization: AWS4-HMAC-SHA256 Credential=AKIDRETRYTEST/"));
  EXPECT_THAT(put, HasSubstr("/us-east-1/s3/aws4_request"));
  EXPECT_THAT(put, Not(HasSubstr("retry-secret-never-sent")));
  EXPECT_THAT(put, HasSubstr("\r\n\r\n{\"add\":{}}"));
}

TEST(S3RetryTest, ConditionalPutWhoseAnswerWasLostIsRecognisedAsOurOwnWrite) {
  const std::string commit = "{\"commitInfo\":{\"timestamp\":1}}";
  ScriptedHttpServer server({std::nullopt,  // the PUT landed, the answer did not
                             ScriptedHttpServer::S3Error(412, "Precondition Failed", "PreconditionFailed"),
                             ScriptedHttpServer::Response(200, "OK", commit)});
  auto store = StoreAt(server);
  ASSERT_NE(store, nullptr);
  Status status = store->WriteIfAbsent("_delta_log/00000000000000000004.json", commit);
  EXPECT_TRUE(status.ok()) << status;
  auto requests = server.requests();
  ASSERT_THAT(requests, SizeIs(3));
  EXPECT_THAT(requests[1], HasSubstr("If-None-Match: *"));
  EXPECT_THAT(requests[2], HasSubstr("GET /bucket/table/_delta_log/00000000000000000004.json"));
}

TEST(S3RetryTest, ConditionalPutThatLostToAnotherWriterDuringRetriesIsAlreadyExists) {
  ScriptedHttpServer server({ScriptedHttpServer::S3Error(500, "Internal Server Error", "InternalError"),
                             ScriptedHttpServer::S3Error(412, "Precondition Failed", "PreconditionFailed"),
                             ScriptedHttpServer::Response(200, "OK", "{\"someone\":\"else\"}")});
  auto store = StoreAt(server);
  ASSERT_NE(store, nullptr);
  Status status = store->WriteIfAbsent("_delta_log/00000000000000000005.json", "{\"ours\":1}");
  EXPECT_TRUE(status.IsAlreadyExists()) << status;
}

TEST(S3RetryTest, GivesUpAfterTheLastAttemptNamingTheObject) {
  ScriptedHttpServer server({ScriptedHttpServer::S3Error(503, "Slow Down", "SlowDown"),
                             ScriptedHttpServer::S3Error(503, "Slow Down", "SlowDown")});
  auto store = StoreAt(server, /*attempts=*/2);
  ASSERT_NE(store, nullptr);
  Status status = store->Write("gold/x.json", "x");
  EXPECT_EQ(status.code(), StatusCode::kIOError) << status;
  EXPECT_THAT(status.message(), HasSubstr("s3://bucket/table/gold/x.json"));
  EXPECT_THAT(status.message(), HasSubstr("503 SlowDown"));
}

TEST(S3RetryTest, ClientErrorsAreNotRetried) {
  ScriptedHttpServer server({ScriptedHttpServer::S3Error(403, "Forbidden", "AccessDenied")});
  auto store = StoreAt(server);
  ASSERT_NE(store, nullptr);
  Status status = store->Delete("x");
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied) << status;
  EXPECT_THAT(server.requests(), SizeIs(1));
}

}  // namespace
}  // namespace medallion::storage
