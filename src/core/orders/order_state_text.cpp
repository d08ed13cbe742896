#include "orders/order_state_text.hpp"

namespace sigcard::orders {

std::string_view holder_state_text(OrderState state, bool en) {
    switch (state) {
        case OrderState::awaiting_identification:
            return en ? "Received, waiting for your identification"
                      : "Eingegangen, wartet auf Ihre Identifizierung";
        case OrderState::in_review:
            return en ? "Identification being checked" : "Identifizierung wird geprüft";
        case OrderState::identified:
            return en ? "Identified, being checked" : "Identifiziert, wird geprüft";
        case OrderState::submitted:
            return en ? "Received, being checked" : "Eingegangen, wird geprüft";
        case OrderState::approved:
            return en ? "Approved, waiting for production" : "Freigegeben, wartet auf Produktion";
        case OrderState::in_production:
            return en ? "Card in production" : "Karte wird produziert";
        case OrderState::shipped:
            return en ? "Card shipped — please confirm receipt"
                      : "Karte versandt – bitte bestätigen Sie den Empfang";
        case OrderState::active:
            return en ? "Card active" : "Karte aktiv";
        case OrderState::rejected:
            return en ? "Rejected" : "Abgelehnt";
        case OrderState::cancelled:
            return en ? "Cancelled" : "Storniert";
        case OrderState::expired:
            return en ? "Expired: not identified in time" : "Verfallen: nicht rechtzeitig identifiziert";
    }
    return "";
}

}  // namespace sigcard::orders
