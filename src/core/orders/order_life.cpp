#include "orders/order_life.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace sigcard::orders {

namespace {

constexpr std::array<std::pair<OrderState, std::string_view>, 7> kStates{{
    {OrderState::submitted, "submitted"},
    {OrderState::approved, "approved"},
    {OrderState::in_production, "in_production"},
    {OrderState::shipped, "shipped"},
    {OrderState::active, "active"},
    {OrderState::rejected, "rejected"},
    {OrderState::cancelled, "cancelled"},
}};

constexpr std::array<OrderState, 7> kAllStates{
    OrderState::submitted, OrderState::approved, OrderState::in_production, OrderState::shipped,
    OrderState::active,    OrderState::rejected, OrderState::cancelled};

constexpr std::array kFromSubmitted{OrderState::submitted};
constexpr std::array kBeforeProduction{OrderState::submitted, OrderState::approved};
constexpr std::array kFromApproved{OrderState::approved};
constexpr std::array kFromInProduction{OrderState::in_production};
constexpr std::array kFromShipped{OrderState::shipped};

const std::array<StepRule, 7> kRules{{
    {OrderStep::approve, kFromSubmitted, OrderState::approved},
    {OrderStep::reject, kBeforeProduction, OrderState::rejected},
    {OrderStep::cancel, kBeforeProduction, OrderState::cancelled},
    {OrderStep::cancel_by_holder, kFromSubmitted, OrderState::cancelled},
    {OrderStep::start_production, kFromApproved, OrderState::in_production},
    {OrderStep::ship, kFromInProduction, OrderState::shipped},
    {OrderStep::activate, kFromShipped, OrderState::active},
}};

}  // namespace

std::string_view to_string(OrderKind) { return "follow_up"; }

std::optional<OrderKind> order_kind_from(std::string_view text) {
    if (text == "follow_up") {
        return OrderKind::follow_up;
    }
    return std::nullopt;
}

std::string_view to_string(OrderState state) {
    for (const auto& [s, text] : kStates) {
        if (s == state) {
            return text;
        }
    }
    return "submitted";
}

std::optional<OrderState> order_state_from(std::string_view text) {
    for (const auto& [s, name] : kStates) {
        if (name == text) {
            return s;
        }
    }
    return std::nullopt;
}

bool is_open(OrderState state) {
    return waiting_for(state) != Party::nobody;
}

std::span<const OrderState> all_states() { return kAllStates; }

const StepRule& rule_of(OrderStep step) {
    return *std::find_if(kRules.begin(), kRules.end(),
                         [step](const StepRule& r) { return r.step == step; });
}

bool allows(const StepRule& rule, OrderState from) {
    return std::find(rule.from.begin(), rule.from.end(), from) != rule.from.end();
}

std::string_view to_string(Party party) {
    switch (party) {
        case Party::holder:
            return "holder";
        case Party::approver:
            return "approver";
        case Party::production:
            return "production";
        case Party::nobody:
            break;
    }
    return "nobody";
}

Party waiting_for(OrderState state) {
    switch (state) {
        case OrderState::submitted:
            return Party::approver;
        case OrderState::approved:
        case OrderState::in_production:
            return Party::production;
        case OrderState::shipped:
            return Party::holder;  // the receipt
        case OrderState::active:
        case OrderState::rejected:
        case OrderState::cancelled:
            break;
    }
    return Party::nobody;
}

}  // namespace sigcard::orders
