// The life of an order, whichever way it came in (follow-up order today, new order with
// identification next): its states, the steps between them, and who each state waits for — the
// questions the back office asks of its queues. Pure: no database here (order_store.hpp).
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace sigcard::orders {

// The way an order came in: signed with the holder's valid card (follow-up), or applied for
// online and identified at a post office or registration office (new order).
enum class OrderKind { follow_up, new_order };
std::string_view to_string(OrderKind kind);
std::optional<OrderKind> order_kind_from(std::string_view text);

enum class OrderState {
    awaiting_identification,  // a new order: the applicant is still to be identified
    in_review,   // a new order whose identification result needs a person (PostIdent review)
    identified,  // a new order whose identification is accepted
    submitted,                // a signed follow-up order
    approved,
    in_production,
    shipped,
    active,
    rejected,
    cancelled,
    expired,  // a new order not identified by its deadline
};
std::string_view to_string(OrderState state);
std::optional<OrderState> order_state_from(std::string_view text);
// Not yet finished: a card may have one open order at a time.
bool is_open(OrderState state);
// Every state, in the order of the process (for listings and counts).
std::span<const OrderState> all_states();

// The steps people and the system take on an order after it was placed.
enum class OrderStep {
    identify,          // the identification accepted: awaiting_identification|in_review → identified
    refer_for_review,  // a result needs a person: awaiting_identification|identified → in_review
    identify_again,    // the reviewer: the applicant is to be identified anew → awaiting_identification
    expire,            // the system, at the identification deadline
    approve,           // an approver: submitted or identified → approved
    reject,            // an approver, with a reason the holder is told
    cancel,            // an operator, before production
    cancel_by_holder,  // the holder, before anyone approved (a new order: before identification)
    start_production,  // production: approved → in_production
    ship,              // production: in_production → shipped, with the new card
    activate,          // the holder's receipt: shipped → active
};

struct StepRule {
    OrderStep step;
    std::span<const OrderState> from;  // the states the step may start in
    OrderState to;
};
const StepRule& rule_of(OrderStep step);
bool allows(const StepRule& rule, OrderState from);

// Whom an order in a state waits for.
// registration: the applicant's identification (post office or registration office).
enum class Party { holder, approver, production, registration, nobody };
std::string_view to_string(Party party);
Party waiting_for(OrderState state);

}  // namespace sigcard::orders
