// The mails a holder gets about an order — "your order was received" with its number and status
// link, "your card was shipped" with how to confirm receipt — derived from the stored orders:
// an order without its mail row gets its mail, so an acknowledged order's mail is never lost
// and several portal instances never send one twice (the row is the claim).
#pragma once

#include "mail/smtp_transport.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sigcard::mail {

struct OrderMailSettings {
    std::string trust_center;
    std::string portal_url;  // base of the status link
    // New orders: the key of an order's document links (new_order::NewOrders::document_secret);
    // without it new orders get no mail.
    std::function<std::string(const std::string& order_number)> document_key = {};
    int identification_reminder_days = 7;
    // The seller on the invoices ([prices] seller_address, seller_vat_id).
    std::string seller_address = {};
    std::string seller_vat_id = {};
    // Reminders before a certificate expires, days before ([mail] expiry_reminder_days).
    std::vector<int> expiry_reminder_days = {};
    // The reminder before the activation deadline ([policy] activation_reminder_days).
    int activation_reminder_days = 14;
};

// received and shipped follow from the order's state; status_link is sent when the holder asks
// for it again (request_status_link); identification_reminder goes to a new order still awaiting
// identification once its deadline is identification_reminder_days away;
// identification_declined once the post office declined an identification (with its reason).
enum class OrderMailKind {
    received,
    shipped,
    status_link,
    identification_reminder,
    identification_declined,
    approved,  // both approvals given: the card is made next
    rejected,  // with the reason the approver or the registration officer gave
    invoice,   // the invoice as PDF, once the card was shipped
    revoked,   // the order's card's certificate was revoked (final)
    // A shipped card not yet confirmed, activation_reminder_days before the activation code's
    // deadline: how to confirm, and by when.
    activation_reminder,
    identified,  // a new order's identification accepted: the approval comes next
    activated,   // the holder confirmed receipt: the certificate is in force
    cancelled,   // by the holder or an operator, before production
    expired,     // a new order not identified by its deadline
};

// The mail's text: German first, English below, as the order document.
MailMessage order_mail(OrderMailKind kind, const std::string& order_number,
                       const std::string& email, const OrderMailSettings& settings);
// A new order's mails (received, identification_reminder): the status page and the three
// documents behind the order's key, and the deadline.
MailMessage new_order_mail(OrderMailKind kind, const std::string& order_number,
                           const std::string& email, std::int64_t deadline,
                           const OrderMailSettings& settings);

// The post office declined the identification: its reason, what happens now, the status page.
MailMessage identification_declined_mail(const std::string& order_number, const std::string& email,
                                         const std::string& reason,
                                         const OrderMailSettings& settings);

// A certificate expires in `days`: the follow-up order's link.
MailMessage expiry_reminder_mail(const std::string& holder_email, const std::string& order_number,
                                 std::int64_t expires_at, const OrderMailSettings& settings);

// The card is not yet confirmed: confirm receipt by `deadline` (activation code or the card) at
// `status_link`, else call.
MailMessage activation_reminder_mail(const std::string& order_number, const std::string& email,
                                     std::int64_t deadline, const std::string& status_link,
                                     const OrderMailSettings& settings);

// Identified, activated, cancelled or expired: what happened and what comes next.
MailMessage step_mail(OrderMailKind kind, const std::string& order_number, const std::string& email,
                      const std::string& status_link, const OrderMailSettings& settings);

// Approved, rejected (with its reason) or revoked, for either kind of order: what happened and
// where to look.
MailMessage decision_mail(OrderMailKind kind, const std::string& order_number,
                          const std::string& email, const std::string& reason,
                          const OrderMailSettings& settings);

// Asks for the status link to be mailed (again) to the order's own address: marks the order's
// status_link mail as due. Any instance's OrderMailer sends it.
void request_status_link(storage::Database& database, std::int64_t order_id);

class OrderMailer {
public:
    OrderMailer(storage::Database& database, SmtpTransport transport, OrderMailSettings settings);

    // Claims and sends every mail that is due (new ones, and failed ones after a minute, up to
    // ten attempts). Returns how many were sent.
    int deliver_due(std::int64_t now);

private:
    int deliver(OrderMailKind kind, std::int64_t now);
    MailMessage invoice_mail(const std::string& order_number,
                             const OrderMailSettings& settings) const;
    // The nearest reminder threshold a card's certificate has reached and not been reminded of
    // (a card with a follow-up order under way is not reminded).
    int deliver_expiry_reminders(std::int64_t now);

    storage::Database& database_;
    SmtpTransport transport_;
    OrderMailSettings settings_;
};

}  // namespace sigcard::mail
