// Copyright 2026 The OmenDB Authors.
//
// The comparison rules of compare.h: text equality, numeric tolerance, NULLs, multisets.

#include "oracle/compare.h"

#include <gtest/gtest.h>

namespace omen::test {
namespace {

TextRows Rows(std::initializer_list<std::vector<TextValue>> rows) { return TextRows(rows); }

TEST(Compare, Values) {
  EXPECT_TRUE(ValuesEqual("abc", "abc"));
  EXPECT_FALSE(ValuesEqual("abc", "ABC"));
  EXPECT_TRUE(ValuesEqual(std::nullopt, std::nullopt));
  EXPECT_FALSE(ValuesEqual(std::nullopt, ""));
  EXPECT_FALSE(ValuesEqual("0", std::nullopt));
  EXPECT_TRUE(ValuesEqual("7.50", "7.5"));
  EXPECT_TRUE(ValuesEqual("0.30000000000000004", "0.3"));
  EXPECT_TRUE(ValuesEqual("12.3333333333333333", "12.333333333333334"));
  EXPECT_TRUE(ValuesEqual("1e-12", "0"));
  EXPECT_FALSE(ValuesEqual("1.001", "1"));
  EXPECT_FALSE(ValuesEqual("1000001", "1000000"));
  EXPECT_FALSE(ValuesEqual("1704067200.000000", "1704067201"));
  EXPECT_TRUE(ValuesEqual("1704067200.000000", "1704067200"));
  EXPECT_TRUE(ValuesEqual("5.0000000000000000", "5"));
  EXPECT_TRUE(ValuesEqual("100", "99.99999999999999"));
  EXPECT_TRUE(ValuesEqual("NaN", "NaN"));
  EXPECT_TRUE(ValuesEqual("Infinity", "Infinity"));
  EXPECT_FALSE(ValuesEqual("Infinity", "-Infinity"));
  EXPECT_FALSE(ValuesEqual("t", "true"));
  EXPECT_FALSE(ValuesEqual("2024-01-01 00:00:00+00", "2024-01-01 00:00:00"));
  EXPECT_FALSE(ValuesEqual(" 1", "1"));
}

TEST(Compare, MultisetsAndOrder) {
  TextRows a = Rows({{"1", "x"}, {"2", std::nullopt}, {"2", std::nullopt}});
  TextRows b = Rows({{"2", std::nullopt}, {"1", "x"}, {"2", std::nullopt}});
  EXPECT_EQ(CompareRows(a, b, false), "");
  EXPECT_NE(CompareRows(a, b, true), "");
  EXPECT_NE(CompareRows(a, Rows({{"1", "x"}, {"2", std::nullopt}}), false), "");
  EXPECT_NE(CompareRows(a, Rows({{"1", "x"}, {"2", std::nullopt}, {"2", "y"}}), false), "");
  EXPECT_NE(CompareRows(Rows({{"1"}}), Rows({{"1", "2"}}), false), "");
  // Within tolerance but sorted apart by the tolerance itself.
  TextRows c = Rows({{"0.1", "b"}, {"0.10000000001", "a"}});
  TextRows d = Rows({{"0.10000000001", "b"}, {"0.1", "a"}});
  EXPECT_EQ(CompareRows(c, d, false), "");
  EXPECT_EQ(CompareRows({}, {}, true), "");
}

}  // namespace
}  // namespace omen::test
