// The papers of a produced card: the PIN letter, which goes in its own envelope apart from the
// card (the address sits where a DIN window envelope shows it), with the card's transport PIN and
// the activation code the holder confirms receipt with; and the shipping label for the card's
// parcel. The PIN and the code are printed once, at production: neither is stored in the clear.
// German first, English below, as the mails.
#pragma once

#include "orders/order_data.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sigcard::documents {

struct PinLetter {
    std::string trust_center;
    std::string portal_url;  // where the holder confirms receipt
    std::string order_number;
    std::string holder_name;
    orders::PostalAddress address;
    std::string transport_pin;
    std::string activation_code;
    std::int64_t activation_deadline = 0;
};

struct ShippingLabel {
    std::string trust_center;
    std::string sender_address;  // one line per part, "\n" between them
    std::string order_number;
    orders::PostalAddress address;
};

// PDF bytes. A batch is one letter after another: see render_pin_letters.
std::string render_pin_letter(const PinLetter& letter);
// Several orders' letters in one PDF, one letter per page, in the order given.
std::string render_pin_letters(const std::vector<PinLetter>& letters);
// A6 label with sender, recipient and the order number as a Code 128 bar code.
std::string render_shipping_label(const ShippingLabel& label);

}  // namespace sigcard::documents
