// The ceiling for bench/serve.py: an HTTP/1.1 keep-alive responder that does
// no work at all. It answers every request on a connection with the same
// 200 response and a small JSON body, without parsing anything but the
// blank line that ends each request head (wrk's fixed requests carry a
// one-line JSON body, which has none; this is a measuring stick, not a
// server). Whatever req/s it reaches under wrk on this machine is the
// most any server can reach here, so it bounds the ratio any real server
// (medallion included) can show against the anchor.
//
//   http_floor_bench <port> <threads>
// Runs until killed. Each thread has its own SO_REUSEPORT listener and epoll
// loop, like medallion's one io_context per thread.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n"
    "{\"predictions\":[12.345678901]}";

int Listen(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 1024) != 0) {
    std::perror("http_floor_bench: bind/listen");
    std::exit(1);
  }
  return fd;
}

// Request heads completed in `data`; `matched` carries a blank line split
// across reads.
int CountRequestEnds(std::string_view data, int* matched) {
  static constexpr std::string_view kEnd = "\r\n\r\n";
  int ends = 0;
  for (char c : data) {
    *matched = (c == kEnd[*matched]) ? *matched + 1 : (c == '\r' ? 1 : 0);
    if (*matched == static_cast<int>(kEnd.size())) {
      ++ends;
      *matched = 0;
    }
  }
  return ends;
}

void Serve(int port) {
  const int listener = Listen(port);
  const int poll = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  epoll_ctl(poll, EPOLL_CTL_ADD, listener, &ev);
  std::vector<int> matched(65536, 0);  // per fd: bytes of "\r\n\r\n" seen
  std::vector<char> buffer(1 << 16);
  std::string out;
  epoll_event events[64];
  for (;;) {
    const int n = epoll_wait(poll, events, 64, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        const int client = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
        if (client < 0 || client >= static_cast<int>(matched.size())) {
          if (client >= 0) close(client);
          continue;
        }
        const int one = 1;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        matched[client] = 0;
        epoll_event cev{};
        cev.events = EPOLLIN;
        cev.data.fd = client;
        epoll_ctl(poll, EPOLL_CTL_ADD, client, &cev);
        continue;
      }
      const ssize_t got = read(fd, buffer.data(), buffer.size());
      if (got <= 0) {
        close(fd);
        continue;
      }
      // Bodies carry no blank line here (one JSON line), so request ends
      // are exactly the request heads.
      const int requests = CountRequestEnds(std::string_view(buffer.data(), static_cast<size_t>(got)), &matched[fd]);
      out.clear();
      for (int r = 0; r < requests; ++r) out.append(kResponse);
      if (!out.empty() && write(fd, out.data(), out.size()) < 0) close(fd);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <port> <threads>\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int threads = std::max(1, std::atoi(argv[2]));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(Serve, port);
  Serve(port);
}
