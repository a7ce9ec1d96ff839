#include "medallion/orchestrate/dag.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "medallion/orchestrate/dag_catalog.h"
#include "medallion/orchestrate/task_registry.h"

namespace medallion::orchestrate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Task Noop(const std::string& name) {
  Task task;
  task.name = name;
  task.run = [](const TaskContext&) { return Status::OK(); };
  return task;
}

TEST(DagTest, TopologicalOrderFollowsEdgesAndKeepsInsertionOrderForTies) {
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(Noop("report"), {"silver", "gold"}).ok());
  ASSERT_TRUE(dag.AddTask(Noop("gold"), {"silver"}).ok());
  ASSERT_TRUE(dag.AddTask(Noop("silver"), {"bronze"}).ok());
  ASSERT_TRUE(dag.AddTask(Noop("bronze")).ok());
  ASSERT_TRUE(dag.AddTask(Noop("audit")).ok());
  auto order = dag.TopologicalOrder();
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_THAT(*order, ElementsAre("bronze", "silver", "gold", "report", "audit"));
  EXPECT_THAT(dag.downstream("silver"), ElementsAre("report", "gold"));
}

TEST(DagTest, CycleIsRejectedAndNamed) {
  Dag dag("loop");
  ASSERT_TRUE(dag.AddTask(Noop("start")).ok());
  ASSERT_TRUE(dag.AddTask(Noop("a"), {"start", "c"}).ok());
  ASSERT_TRUE(dag.AddTask(Noop("b"), {"a"}).ok());
  ASSERT_TRUE(dag.AddTask(Noop("c"), {"b"}).ok());
  Status st = dag.Validate();
  EXPECT_TRUE(st.IsInvalidArgument());
  EXPECT_THAT(st.message(), HasSubstr("dag 'loop' has a cycle: "));
  // Whichever node the search entered first, the cycle reads in run order.
  EXPECT_TRUE(st.message().find("a -> b -> c -> a") != std::string::npos ||
              st.message().find("b -> c -> a -> b") != std::string::npos ||
              st.message().find("c -> a -> b -> c") != std::string::npos)
      << st.message();
  EXPECT_FALSE(dag.TopologicalOrder().ok());
}

TEST(DagTest, SelfDependencyIsACycle) {
  Dag dag("self");
  ASSERT_TRUE(dag.AddTask(Noop("x"), {"x"}).ok());
  EXPECT_THAT(dag.Validate().message(), HasSubstr("x -> x"));
}

TEST(DagTest, UnknownUpstreamAndDuplicatesAreErrors) {
  Dag dag("d");
  ASSERT_TRUE(dag.AddTask(Noop("b"), {"missing"}).ok());
  EXPECT_THAT(dag.Validate().message(), HasSubstr("task 'b' depends on unknown task 'missing'"));
  EXPECT_TRUE(dag.AddTask(Noop("b")).IsAlreadyExists());
  Task empty;
  empty.name = "nothing";
  EXPECT_TRUE(dag.AddTask(empty).IsInvalidArgument());
}

TEST(DagTest, GraphTextListsTasksInRunOrderWithUpstreams) {
  Dag dag("d", "demo");
  Task retried = Noop("b");
  retried.retry.retries = 2;
  ASSERT_TRUE(dag.AddTask(Noop("a")).ok());
  ASSERT_TRUE(dag.AddTask(std::move(retried), {"a"}).ok());
  auto text = dag.FormatGraph();
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text,
            "dag d (2 tasks): demo\n"
            "   1. a  (start)\n"
            "   2. b  <- a  retries=2\n");
}

TEST(DagCatalogTest, DailyDagIsTheDocumentedChain) {
  TaskRegistry registry;
  RegisterBuiltinTasks(registry);
  auto spec = FindDag("daily");
  ASSERT_TRUE(spec.ok());
  auto dag = BuildDag(*spec, registry);
  ASSERT_TRUE(dag.ok()) << dag.status();
  EXPECT_THAT(*dag->TopologicalOrder(),
              ElementsAre("bronze_to_silver", "validate_data_quality", "build_gold_features", "train_model",
                          "evaluate_model", "promote_model", "predict", "api_smoke_test"));
  EXPECT_THAT(dag->upstream("train_model"), ElementsAre("build_gold_features"));
  EXPECT_TRUE(FindDag("weekly").status().IsNotFound());
  EXPECT_EQ(FindDagWithTask("demo_silver")->name, "demo");
}

TEST(DagCatalogTest, BuildingFailsOnATaskNobodyRegistered) {
  TaskRegistry registry;
  auto dag = BuildDag(*FindDag("daily"), registry);
  EXPECT_TRUE(dag.status().IsNotFound());
  EXPECT_THAT(dag.status().message(), HasSubstr("bronze_to_silver"));
}

TEST(TaskRegistryTest, RegisterRejectsDuplicatesAndReplaceSwapsTheFactory) {
  TaskRegistry registry;
  ASSERT_TRUE(registry.Register("t", [] { return Noop("ignored"); }).ok());
  EXPECT_TRUE(registry.Register("t", [] { return Noop("t"); }).IsAlreadyExists());
  auto task = registry.Create("t");
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->name, "t");  // the registered name wins
  registry.Replace("t", [] {
    Task t = Noop("t");
    t.description = "real";
    return t;
  });
  EXPECT_EQ(registry.Create("t")->description, "real");
  EXPECT_THAT(registry.Create("u").status().message(), HasSubstr("known: t"));
}

}  // namespace
}  // namespace medallion::orchestrate
