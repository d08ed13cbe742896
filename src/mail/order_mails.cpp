#include "mail/order_mails.hpp"

#include "mail/mail_text.hpp"

#include "common/clock.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <vector>

namespace sigcard::mail {

namespace {

constexpr int max_attempts = 10;
constexpr std::int64_t retry_after_seconds = 60;

std::string_view kind_name(OrderMailKind kind) {
    switch (kind) {
        case OrderMailKind::received:
            return "received";
        case OrderMailKind::shipped:
            return "shipped";
        case OrderMailKind::status_link:
            return "status_link";
        case OrderMailKind::identification_reminder:
            return "identification_reminder";
        case OrderMailKind::identification_declined:
            return "identification_declined";
        case OrderMailKind::approved:
            return "approved";
        case OrderMailKind::rejected:
            return "rejected";
        case OrderMailKind::invoice:
            return "invoice";
        case OrderMailKind::revoked:
            return "revoked";
        case OrderMailKind::activation_reminder:
            return "activation_reminder";
        case OrderMailKind::identified:
            return "identified";
        case OrderMailKind::activated:
            return "activated";
        case OrderMailKind::cancelled:
            return "cancelled";
        case OrderMailKind::expired:
            return "expired";
    }
    return "";
}


struct DueMail {
    long long order_id = 0;
    std::string order_number;
    std::string email;
    long long claimed_at = 0;  // of a failed earlier attempt; 0 for a new one
    bool retry = false;
    bool new_order = false;
    long long deadline = 0;  // a new order's identification deadline
};




// The deadline a mail names: the activation code's for its reminder, else the identification's.
std::string deadline_column(OrderMailKind kind) {
    return kind == OrderMailKind::activation_reminder ? "c.deadline" : "a.identification_deadline";
}

}  // namespace

MailMessage order_mail(OrderMailKind kind, const std::string& order_number,
                       const std::string& email, const OrderMailSettings& settings) {
    const auto status = fmt::format("{}/status?auftrag={}", base_url(settings.portal_url),
                                    order_number);
    MailMessage message;
    message.to = email;
    if (kind == OrderMailKind::status_link) {
        message.subject = fmt::format("Ihr Auftrag {} – Link zum Auftragsstatus / Your order – link "
                                      "to the order status",
                                      order_number);
        message.body = fmt::format(
            "Guten Tag,\n\n"
            "Sie haben den Link zum Status Ihres Auftrags {1} angefordert:\n{2}\n"
            "(Zum Abruf brauchen Sie zusätzlich Ihre E-Mail-Adresse.)\n\n"
            "Haben Sie nichts angefordert, können Sie diese E-Mail ignorieren.\n\n"
            "Ihr {0}\n\n"
            "---\n\n"
            "Hello,\n\n"
            "you asked for the link to the status of your order {1}:\n{2}\n"
            "(You also need your email address to see it.)\n\n"
            "If you did not ask for it, you can ignore this email.\n\n"
            "{0}\n",
            settings.trust_center, order_number, status);
        return message;
    }
    if (kind == OrderMailKind::received) {
        message.subject = fmt::format("Ihr Folgeauftrag {} ist eingegangen / Your follow-up order "
                                      "has been received",
                                      order_number);
        message.body = fmt::format(
            "Guten Tag,\n\n"
            "Ihr Folgeauftrag für eine qualifizierte Signaturkarte ist bei {0} eingegangen.\n\n"
            "Auftragsnummer: {1}\n"
            "Status: {2}\n"
            "(Zum Abruf des Status brauchen Sie die Auftragsnummer und Ihre E-Mail-Adresse.)\n\n"
            "Wir prüfen den Auftrag, stellen die neue Karte her und schicken sie an Ihre "
            "Versandadresse; die PIN kommt mit getrennter Post. Sobald die Karte unterwegs ist, "
            "schreiben wir Ihnen wieder.\n\n"
            "---\n\n"
            "Hello,\n\n"
            "{0} has received your follow-up order for a qualified signature card.\n\n"
            "Order number: {1}\n"
            "Status: {2}\n"
            "(To see the status you need the order number and your email address.)\n\n"
            "We check the order, produce the new card and send it to your shipping address; the "
            "PIN comes by separate post. We will write again once the card is on its way.\n",
            settings.trust_center, order_number, status);
    } else {
        message.subject = fmt::format("Ihre neue Signaturkarte ist unterwegs ({}) / Your new "
                                      "signature card is on its way",
                                      order_number);
        message.body = fmt::format(
            "Guten Tag,\n\n"
            "die neue Signaturkarte zu Ihrem Auftrag {1} ist an Ihre Versandadresse unterwegs; "
            "die PIN kommt mit getrennter Post.\n\n"
            "Das neue Zertifikat ist gesperrt, bis Sie den Empfang bestätigen. Bitte bestätigen "
            "Sie den Empfang, sobald Karte und PIN bei Ihnen sind: {2}\n\n"
            "Ihr {0}\n\n"
            "---\n\n"
            "Hello,\n\n"
            "the new signature card for your order {1} is on its way to your shipping address; "
            "the PIN comes by separate post.\n\n"
            "The new certificate stays on hold until you confirm receipt. Please confirm receipt "
            "once card and PIN have arrived: {2}\n\n"
            "{0}\n",
            settings.trust_center, order_number, status);
    }
    return message;
}

MailMessage new_order_mail(OrderMailKind kind, const std::string& order_number,
                           const std::string& email, std::int64_t deadline,
                           const OrderMailSettings& settings) {
    const auto key = settings.document_key(order_number);
    const auto base = base_url(settings.portal_url);
    const auto status = new_order_page(settings.portal_url, order_number, key);
    const auto document = [&](std::string_view name, std::string_view lang) {
        return fmt::format("{}/api/v1/new-orders/{}/{}.pdf?key={}&lang={}", base, order_number,
                           name, key, lang);
    };
    MailMessage message;
    message.to = email;
    const bool reminder = kind == OrderMailKind::identification_reminder;
    message.subject =
        reminder ? fmt::format("Erinnerung: Identifizierung bis {} ({}) / Reminder: identification "
                               "by {}",
                               date_de(deadline), order_number, iso_date(deadline))
                 : fmt::format("Ihr Neuauftrag {} ist eingegangen / Your new order has been "
                               "received",
                               order_number);
    message.body = fmt::format(
        "Guten Tag,\n\n{0}\n\n"
        "Auftragsnummer: {1}\n"
        "Bitte lassen Sie sich bis zum {2} identifizieren – in einer Filiale der Deutschen Post "
        "mit dem PostIdent-Coupon oder persönlich bei einer Registrierungsstelle. Danach verfällt "
        "der Auftrag.\n\n"
        "Auftrag zum Unterschreiben: {3}\nPostIdent-Coupon: {4}\nBeschreibung: {5}\n"
        "Status und Stornierung: {6}\n\n"
        "Diese Links sind nur für Sie bestimmt: Sie führen zu Ihren persönlichen Daten.\n\n"
        "Ihr {7}\n\n---\n\nHello,\n\n{8}\n\n"
        "Order number: {1}\n"
        "Please be identified by {9} – at a Deutsche Post branch with the PostIdent coupon or in "
        "person at a registration office. After that the order expires.\n\n"
        "Order form to sign: {10}\nPostIdent coupon: {11}\nDescription: {12}\n"
        "Status and cancellation: {6}&lang=en\n\n"
        "These links are for you alone: they lead to your personal data.\n\n{7}\n",
        reminder ? "Ihr Neuauftrag für eine qualifizierte Signaturkarte wartet noch auf Ihre "
                   "Identifizierung."
                 : "Ihr Neuauftrag für eine qualifizierte Signaturkarte ist eingegangen.",
        order_number, date_de(deadline), document("order-form", "de"),
        document("postident-coupon", "de"), document("description", "de"), status,
        settings.trust_center,
        reminder ? "Your new order for a qualified signature card is still waiting for your "
                   "identification."
                 : "Your new order for a qualified signature card has been received.",
        iso_date(deadline), document("order-form", "en"), document("postident-coupon", "en"),
        document("description", "en"));
    return message;
}

MailMessage identification_declined_mail(const std::string& order_number, const std::string& email,
                                         const std::string& reason,
                                         const OrderMailSettings& settings) {
    const auto status =
        new_order_page(settings.portal_url, order_number, settings.document_key(order_number));
    MailMessage message;
    message.to = email;
    message.subject = fmt::format("Ihre Identifizierung zum Auftrag {} wurde abgelehnt / Your "
                                  "identification was declined",
                                  order_number);
    message.body = fmt::format(
        "Guten Tag,\n\n"
        "die Deutsche Post hat Ihre Identifizierung zum Auftrag {1} abgelehnt.\n"
        "Grund laut Deutscher Post: {2}\n\n"
        "Wir prüfen den Fall und schreiben Ihnen, wie es weitergeht – meist genügt eine neue "
        "Identifizierung mit einem gültigen Ausweis. Den Stand sehen Sie hier: {3}\n\n"
        "Ihr {0}\n\n---\n\nHello,\n\n"
        "Deutsche Post declined your identification for the order {1}.\n"
        "Reason given by Deutsche Post: {2}\n\n"
        "We are looking into it and will write to you about what happens next – usually a new "
        "identification with a valid ID document is enough. The status is here: {3}&lang=en\n\n"
        "{0}\n",
        settings.trust_center, order_number, reason.empty() ? "–" : reason, status);
    return message;
}

void request_status_link(storage::Database& database, std::int64_t order_id) {
    const long long id = order_id;
    database.with_session([&](soci::session& s) {
        // Due again at once (claimed_at 0 is long past), with fresh attempts.
        s << "INSERT INTO order_mails (order_id, kind, claimed_at, attempts) VALUES (:id, "
             "'status_link', 0, 0) ON CONFLICT (order_id, kind) DO UPDATE SET claimed_at = 0, "
             "attempts = 0, sent_at = NULL, last_error = ''",
            soci::use(id);
    });
}

OrderMailer::OrderMailer(storage::Database& database, SmtpTransport transport,
                         OrderMailSettings settings)
    : database_(database), transport_(std::move(transport)), settings_(std::move(settings)) {}

int OrderMailer::deliver_due(std::int64_t now) {
    return deliver(OrderMailKind::received, now) + deliver(OrderMailKind::shipped, now) +
           deliver(OrderMailKind::approved, now) + deliver(OrderMailKind::rejected, now) +
           deliver(OrderMailKind::invoice, now) + deliver(OrderMailKind::revoked, now) +
           deliver(OrderMailKind::activation_reminder, now) +
           deliver(OrderMailKind::activated, now) + deliver(OrderMailKind::cancelled, now) +
           deliver_expiry_reminders(now) +
           deliver(OrderMailKind::status_link, now) +
           (settings_.document_key ? deliver(OrderMailKind::identification_reminder, now) +
                                         deliver(OrderMailKind::identification_declined, now) +
                                         deliver(OrderMailKind::identified, now) +
                                         deliver(OrderMailKind::expired, now)
                                   : 0);
}

int OrderMailer::deliver(OrderMailKind kind, std::int64_t now) {
    const std::string kind_text(kind_name(kind));
    std::vector<DueMail> due;
    database_.with_session([&](soci::session& s) {
        // New: an order without its mail row (for "shipped": one whose card was shipped). A
        // status link is only sent when asked for: its row exists then, due.
        if (kind != OrderMailKind::status_link) {
            std::string only;
            if (kind == OrderMailKind::shipped) {
                only = " AND o.state = 'shipped'";
            } else if (kind == OrderMailKind::identification_reminder) {
                only = fmt::format(
                    " AND o.state = 'awaiting_identification' AND a.identification_deadline <= {} "
                    "AND a.identification_deadline > {}",
                    now + settings_.identification_reminder_days * 86400LL, now);
            } else if (kind == OrderMailKind::identification_declined) {
                only = " AND EXISTS (SELECT 1 FROM postident_results r WHERE r.order_id = o.id "
                       "AND r.verdict = 'declined')";
            } else if (kind == OrderMailKind::approved) {
                // Once shipped, the shipping mail says more: no late approval mail then.
                only = " AND o.state IN ('approved', 'in_production')";
            } else if (kind == OrderMailKind::rejected) {
                only = " AND o.state = 'rejected'";
            } else if (kind == OrderMailKind::invoice) {
                only = " AND EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id)";
            } else if (kind == OrderMailKind::activation_reminder) {
                only = fmt::format(
                    " AND o.state = 'shipped' AND c.used_at IS NULL AND c.deadline <= {} AND "
                    "c.deadline > {}",
                    now + settings_.activation_reminder_days * 86400LL, now);
            } else if (kind == OrderMailKind::identified) {
                // Once approved, the approval mail says more.
                only = " AND o.kind = 'new' AND o.state = 'identified'";
            } else if (kind == OrderMailKind::activated) {
                only = " AND o.state = 'active'";
            } else if (kind == OrderMailKind::cancelled) {
                only = " AND o.state = 'cancelled'";
            } else if (kind == OrderMailKind::expired) {
                only = " AND o.state = 'expired'";
            } else if (kind == OrderMailKind::revoked) {
                only = " AND EXISTS (SELECT 1 FROM cards k WHERE k.id = o.new_card_id AND k.state "
                       "= 'revoked')";
            }
            // New orders are mailed only by an instance that can make their links.
            if (!settings_.document_key) {
                only += " AND o.kind <> 'new'";
            }
            soci::rowset<soci::row> fresh =
                (s.prepare << "SELECT o.id, o.order_number, o.order_data, o.kind, " +
                                  deadline_column(kind) +
                                  " FROM orders o "
                              "LEFT JOIN new_order_applications a ON a.order_id = o.id "
                              "LEFT JOIN activation_codes c ON c.order_id = o.id "
                              "LEFT JOIN order_mails m ON m.order_id = o.id AND m.kind = :kind "
                              "WHERE m.order_id IS NULL" +
                                  only + " ORDER BY o.id LIMIT 20",
                 soci::use(kind_text));
            for (const auto& row : fresh) {
                DueMail mail{storage::row_int64(row, 0), row.get<std::string>(1),
                             email_of(row.get<std::string>(2)), 0, false};
                mail.new_order = row.get<std::string>(3) == "new";
                if (row.get_indicator(4) != soci::i_null) {
                    mail.deadline = storage::row_int64(row, 4);
                }
                due.push_back(std::move(mail));
            }
        }
        // Failed before: again after a while, a bounded number of times.
        const long long stale = now - retry_after_seconds;
        soci::rowset<soci::row> failed =
            (s.prepare << "SELECT m.order_id, o.order_number, o.order_data, m.claimed_at, "
                          "o.kind, " + deadline_column(kind) + " FROM order_mails m JOIN orders o ON "
                          "o.id = m.order_id LEFT JOIN new_order_applications a ON a.order_id = "
                          "o.id LEFT JOIN activation_codes c ON c.order_id = o.id WHERE m.kind = :kind AND m.sent_at IS NULL AND m.claimed_at < "
                          ":stale AND m.attempts < :max ORDER BY m.order_id LIMIT 20",
             soci::use(kind_text), soci::use(stale), soci::use(max_attempts));
        for (const auto& row : failed) {
            DueMail mail{storage::row_int64(row, 0), row.get<std::string>(1),
                         email_of(row.get<std::string>(2)), storage::row_int64(row, 3), true};
            mail.new_order = row.get<std::string>(4) == "new";
            if (row.get_indicator(5) != soci::i_null) {
                mail.deadline = storage::row_int64(row, 5);
            }
            if (!mail.new_order || settings_.document_key) {
                due.push_back(std::move(mail));
            }
        }
    });

    // Where the holder sees the order: a new order's page behind its key, else the status page.
    const auto status_link = [this](const DueMail& mail) {
        return mail.new_order ? new_order_page(settings_.portal_url, mail.order_number,
                                               settings_.document_key(mail.order_number))
                              : fmt::format("{}/status?auftrag={}", base_url(settings_.portal_url),
                                            mail.order_number);
    };
    int sent = 0;
    const long long at = now;
    for (const auto& mail : due) {
        // The claim: whoever inserts (or moves on) the row sends; another instance skips it.
        bool claimed = false;
        try {
            database_.with_session([&](soci::session& s) {
                if (!mail.retry) {
                    s << "INSERT INTO order_mails (order_id, kind, claimed_at, attempts) "
                         "VALUES (:id, :kind, :at, 1)",
                        soci::use(mail.order_id), soci::use(kind_text), soci::use(at);
                    claimed = true;
                } else {
                    soci::statement claim =
                        (s.prepare << "UPDATE order_mails SET claimed_at = :at, attempts = "
                                      "attempts + 1 WHERE order_id = :id AND kind = :kind AND "
                                      "claimed_at = :old AND sent_at IS NULL",
                         soci::use(at), soci::use(mail.order_id), soci::use(kind_text),
                         soci::use(mail.claimed_at));
                    claim.execute(true);
                    claimed = claim.get_affected_rows() == 1;
                }
            });
        } catch (const std::exception&) {
            claimed = false;  // another instance inserted it first
        }
        if (!claimed) {
            continue;
        }
        std::string error;
        try {
            if (mail.email.empty()) {
                throw std::runtime_error("order has no email address");
            }
            if (kind == OrderMailKind::identification_declined) {
                std::string reason;
                database_.with_session([&](soci::session& s) {
                    s << "SELECT declined_reason FROM postident_results WHERE order_id = :id AND "
                         "verdict = 'declined' ORDER BY id DESC LIMIT 1",
                        soci::use(mail.order_id), soci::into(reason);
                });
                transport_.send(
                    identification_declined_mail(mail.order_number, mail.email, reason, settings_));
            } else if (kind == OrderMailKind::approved || kind == OrderMailKind::rejected ||
                       kind == OrderMailKind::revoked) {
                std::string reason;
                database_.with_session([&](soci::session& s) {
                    s << "SELECT note FROM order_events WHERE order_id = :id AND to_state = "
                         "'rejected' ORDER BY id DESC LIMIT 1",
                        soci::use(mail.order_id), soci::into(reason);
                });
                transport_.send(
                    decision_mail(kind, mail.order_number, mail.email, reason, settings_));
            } else if (kind == OrderMailKind::invoice) {
                transport_.send(invoice_mail(mail.order_number, settings_));
            } else if (kind == OrderMailKind::activation_reminder) {
                transport_.send(activation_reminder_mail(mail.order_number, mail.email,
                                                         mail.deadline, status_link(mail), settings_));
            } else if (kind == OrderMailKind::identified || kind == OrderMailKind::activated ||
                       kind == OrderMailKind::cancelled || kind == OrderMailKind::expired) {
                transport_.send(
                    step_mail(kind, mail.order_number, mail.email, status_link(mail), settings_));
            } else {
            transport_.send(
                mail.new_order && kind != OrderMailKind::shipped &&
                        kind != OrderMailKind::status_link
                    ? new_order_mail(kind, mail.order_number, mail.email, mail.deadline, settings_)
                    : order_mail(kind, mail.order_number, mail.email, settings_));
            }
        } catch (const std::exception& e) {
            error = e.what();
        }
        database_.with_session([&](soci::session& s) {
            if (error.empty()) {
                s << "UPDATE order_mails SET sent_at = :at, last_error = '' WHERE order_id = :id "
                     "AND kind = :kind",
                    soci::use(at), soci::use(mail.order_id), soci::use(kind_text);
            } else {
                s << "UPDATE order_mails SET last_error = :error WHERE order_id = :id AND kind = "
                     ":kind",
                    soci::use(error), soci::use(mail.order_id), soci::use(kind_text);
            }
        });
        if (error.empty()) {
            ++sent;
            spdlog::info("mail {} for order {} sent", kind_text, mail.order_number);
        } else {
            // The address is personal data: the log names the order only.
            spdlog::warn("mail {} for order {} not sent: {}", kind_text, mail.order_number, error);
        }
    }
    return sent;
}

}  // namespace sigcard::mail
