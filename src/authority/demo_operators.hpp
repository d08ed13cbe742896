// The demo back office's people: operator cards made by the ordinary card production in the same
// token store as the holders' demo cards (an operator's PC runs one card agent, which lists both),
// registered with their roles — two approvers (four eyes) and one of every other role, chamber
// staff for the Rechtsanwaltskammer Köln, and one revoked operator card that must not get in.
#pragma once

#include "authority/demo_cards.hpp"
#include "operators/operator_register.hpp"

#include <vector>

namespace sigcard::authority {

struct DemoOperatorSpec {
    DemoCardSpec card;
    std::string name;
    std::vector<operators::Role> roles;
    std::string chamber;
};

const std::vector<DemoOperatorSpec>& demo_operator_set();

struct DemoOperators {
    std::vector<DemoCard> cards;  // in the order of demo_operator_set()
    std::filesystem::path table;  // DIR/cards/OPERATORS.txt
};

// Produces and registers the demo operators. Throws demo.cards_exist when one exists already.
DemoOperators create_demo_operators(TrustCenter& trust_center);

}  // namespace sigcard::authority
