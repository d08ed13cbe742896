#include "orders/order_life.hpp"

#include <gtest/gtest.h>

namespace sigcard::orders {
namespace {

TEST(OrderLife, EveryStateHasOneNameThatReadsBack) {
    for (const auto state : all_states()) {
        EXPECT_EQ(order_state_from(to_string(state)), state);
    }
    EXPECT_FALSE(order_state_from("shipped "));
    EXPECT_FALSE(order_state_from(""));
}

TEST(OrderLife, StepsStartOnlyWhereTheProcessAllows) {
    EXPECT_TRUE(allows(rule_of(OrderStep::approve), OrderState::submitted));
    EXPECT_FALSE(allows(rule_of(OrderStep::approve), OrderState::approved));
    // Operators may cancel or reject until production starts; the holder only before approval.
    EXPECT_TRUE(allows(rule_of(OrderStep::reject), OrderState::approved));
    EXPECT_FALSE(allows(rule_of(OrderStep::reject), OrderState::in_production));
    EXPECT_TRUE(allows(rule_of(OrderStep::cancel), OrderState::approved));
    EXPECT_FALSE(allows(rule_of(OrderStep::cancel_by_holder), OrderState::approved));
    EXPECT_TRUE(allows(rule_of(OrderStep::activate), OrderState::shipped));
    EXPECT_EQ(rule_of(OrderStep::ship).to, OrderState::shipped);
    // Nothing leaves a finished order.
    for (const auto step : {OrderStep::approve, OrderStep::reject, OrderStep::cancel,
                            OrderStep::cancel_by_holder, OrderStep::start_production,
                            OrderStep::ship, OrderStep::activate}) {
        for (const auto done : {OrderState::active, OrderState::rejected, OrderState::cancelled}) {
            EXPECT_FALSE(allows(rule_of(step), done)) << to_string(done);
        }
    }
}

TEST(OrderLife, OpenOrdersWaitForSomeoneAndFinishedOnesForNobody) {
    EXPECT_EQ(waiting_for(OrderState::submitted), Party::approver);
    EXPECT_EQ(waiting_for(OrderState::approved), Party::production);
    EXPECT_EQ(waiting_for(OrderState::in_production), Party::production);
    EXPECT_EQ(waiting_for(OrderState::shipped), Party::holder);
    for (const auto state : all_states()) {
        EXPECT_EQ(is_open(state), waiting_for(state) != Party::nobody) << to_string(state);
    }
    EXPECT_FALSE(is_open(OrderState::active));
    EXPECT_FALSE(is_open(OrderState::cancelled));
}

}  // namespace
}  // namespace sigcard::orders
