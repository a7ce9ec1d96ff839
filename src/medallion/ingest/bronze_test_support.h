// Test helper: a Bronze table and its dead-letter table in a fresh temp
// directory, removed at the end. Header-only so only test binaries use it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "medallion/delta/table.h"
#include "medallion/ingest/delta_bronze.h"

namespace medallion::ingest::testing {

struct TempBronze {
  explicit TempBronze(const std::string& tag)
      : dir(std::filesystem::temp_directory_path() / ("medallion-" + tag + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    Reopen();
  }
  ~TempBronze() { std::filesystem::remove_all(dir); }

  // Opens both tables again, as a new process would.
  void Reopen() {
    auto b = OpenBronzeTable((dir / "bronze").string());
    ASSERT_TRUE(b.ok()) << b.status();
    auto d = OpenDeadLetterTable((dir / "dead").string());
    ASSERT_TRUE(d.ok()) << d.status();
    bronze = *b;
    dead = *d;
  }

  std::filesystem::path dir;
  std::shared_ptr<delta::Table> bronze, dead;
};

}  // namespace medallion::ingest::testing
