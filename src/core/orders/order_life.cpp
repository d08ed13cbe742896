#include "orders/order_life.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace sigcard::orders {

namespace {

// Each state with its name (as stored) and whom an order in it waits for.
struct StateFacts {
    OrderState state;
    std::string_view name;
    Party waits_for;
};

constexpr std::array<StateFacts, 11> kStates{{
    {OrderState::awaiting_identification, "awaiting_identification", Party::registration},
    {OrderState::in_review, "in_review", Party::registration},
    {OrderState::identified, "identified", Party::approver},
    {OrderState::submitted, "submitted", Party::approver},
    {OrderState::approved, "approved", Party::production},
    {OrderState::in_production, "in_production", Party::production},
    {OrderState::shipped, "shipped", Party::holder},  // the holder's receipt
    {OrderState::active, "active", Party::nobody},
    {OrderState::rejected, "rejected", Party::nobody},
    {OrderState::cancelled, "cancelled", Party::nobody},
    {OrderState::expired, "expired", Party::nobody},
}};

// The states alone, in the table's order (for all_states()).
constexpr auto kAllStates = [] {
    std::array<OrderState, kStates.size()> states{};
    for (std::size_t i = 0; i < kStates.size(); ++i) {
        states[i] = kStates[i].state;
    }
    return states;
}();

constexpr std::array kAwaitingIdentification{OrderState::awaiting_identification};
constexpr std::array kToIdentify{OrderState::awaiting_identification, OrderState::in_review};
constexpr std::array kToReview{OrderState::awaiting_identification, OrderState::identified};
constexpr std::array kInReview{OrderState::in_review};
constexpr std::array kToApprove{OrderState::submitted, OrderState::identified};
constexpr std::array kBeforeApproval{OrderState::submitted, OrderState::awaiting_identification,
                                     OrderState::in_review};
constexpr std::array kBeforeProduction{OrderState::awaiting_identification, OrderState::in_review,
                                       OrderState::identified, OrderState::submitted,
                                       OrderState::approved};
constexpr std::array kFromApproved{OrderState::approved};
constexpr std::array kFromInProduction{OrderState::in_production};
constexpr std::array kFromShipped{OrderState::shipped};

const std::array<StepRule, 11> kRules{{
    {OrderStep::identify, kToIdentify, OrderState::identified},
    {OrderStep::refer_for_review, kToReview, OrderState::in_review},
    {OrderStep::identify_again, kInReview, OrderState::awaiting_identification},
    {OrderStep::expire, kAwaitingIdentification, OrderState::expired},
    {OrderStep::approve, kToApprove, OrderState::approved},
    {OrderStep::reject, kBeforeProduction, OrderState::rejected},
    {OrderStep::cancel, kBeforeProduction, OrderState::cancelled},
    {OrderStep::cancel_by_holder, kBeforeApproval, OrderState::cancelled},
    {OrderStep::start_production, kFromApproved, OrderState::in_production},
    {OrderStep::ship, kFromInProduction, OrderState::shipped},
    {OrderStep::activate, kFromShipped, OrderState::active},
}};

// Party's names, in the enum's order.
constexpr std::array<std::string_view, 5> kParties{"holder", "approver", "production",
                                                   "registration", "nobody"};

const StateFacts& facts_of(OrderState state) {
    return *std::find_if(kStates.begin(), kStates.end(),
                         [state](const StateFacts& f) { return f.state == state; });
}

}  // namespace

std::string_view to_string(OrderKind kind) {
    return kind == OrderKind::new_order ? "new" : "follow_up";
}

std::optional<OrderKind> order_kind_from(std::string_view text) {
    if (text == "follow_up") {
        return OrderKind::follow_up;
    }
    if (text == "new") {
        return OrderKind::new_order;
    }
    return std::nullopt;
}

std::string_view to_string(OrderState state) { return facts_of(state).name; }

std::optional<OrderState> order_state_from(std::string_view text) {
    const auto found = std::find_if(kStates.begin(), kStates.end(),
                                    [text](const StateFacts& f) { return f.name == text; });
    return found == kStates.end() ? std::nullopt : std::optional(found->state);
}

bool is_open(OrderState state) { return waiting_for(state) != Party::nobody; }

std::span<const OrderState> all_states() { return kAllStates; }

const StepRule& rule_of(OrderStep step) {
    return *std::find_if(kRules.begin(), kRules.end(),
                         [step](const StepRule& r) { return r.step == step; });
}

bool allows(const StepRule& rule, OrderState from) {
    return std::find(rule.from.begin(), rule.from.end(), from) != rule.from.end();
}

std::string_view to_string(Party party) { return kParties[static_cast<std::size_t>(party)]; }

Party waiting_for(OrderState state) { return facts_of(state).waits_for; }

}  // namespace sigcard::orders
