// The mails about an order's later steps: approved, rejected or revoked; the invoice with its PDF;
// and the reminders before a certificate expires, once per card and threshold.
#include "mail/order_mails.hpp"

#include "common/clock.hpp"
#include "documents/invoice.hpp"
#include "invoices/invoices.hpp"
#include "mail/mail_text.hpp"
#include "orders/price.hpp"

#include <fmt/format.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

namespace sigcard::mail {

MailMessage decision_mail(OrderMailKind kind, const std::string& order_number,
                          const std::string& email, const std::string& reason,
                          const OrderMailSettings& settings) {
    MailMessage message;
    message.to = email;
    const auto status = base_url(settings.portal_url) + "/status";
    if (kind == OrderMailKind::approved) {
        message.subject = fmt::format("Ihr Auftrag {} ist freigegeben / Your order is approved",
                                      order_number);
        message.body = fmt::format(
            "Guten Tag,\n\nIhr Auftrag {1} ist geprüft und freigegeben. Als Nächstes wird Ihre "
            "Signaturkarte hergestellt; Karte und PIN-Brief kommen mit getrennter Post.\n\n"
            "Den Stand sehen Sie hier (mit Auftragsnummer und E-Mail-Adresse): {2}\n\nIhr {0}\n\n"
            "---\n\nHello,\n\nyour order {1} has been checked and approved. Next your signature "
            "card is produced; the card and the PIN letter come by separate post.\n\n"
            "The status is here (with the order number and your email address): {2}?lang=en\n\n"
            "{0}\n",
            settings.trust_center, order_number, status);
    } else if (kind == OrderMailKind::revoked) {
        message.subject = fmt::format("Ihr Zertifikat ist gesperrt (Auftrag {}) / Your certificate "
                                      "is revoked",
                                      order_number);
        message.body = fmt::format(
            "Guten Tag,\n\ndas Zertifikat der Signaturkarte aus Ihrem Auftrag {1} ist gesperrt. "
            "Die Sperrung ist endgültig: mit dieser Karte erstellte Signaturen gelten ab jetzt als "
            "gesperrt, OCSP und Sperrliste zeigen es an.\n\nWenn Sie die Sperrung nicht veranlasst "
            "haben, rufen Sie uns bitte sofort an. Eine neue Karte beantragen Sie hier: {2}\n\n"
            "Ihr {0}\n\n---\n\nHello,\n\nthe certificate of the signature card from your order "
            "{1} is revoked. The revocation is final: OCSP and the revocation list show it from "
            "now on.\n\nIf you did not ask for it, please call us at once. You can order a new "
            "card here: {2}?lang=en\n\n{0}\n",
            settings.trust_center, order_number, base_url(settings.portal_url) + "/neuauftrag");
    } else {
        message.subject = fmt::format("Ihr Auftrag {} wurde abgelehnt / Your order was rejected",
                                      order_number);
        message.body = fmt::format(
            "Guten Tag,\n\nwir mussten Ihren Auftrag {1} ablehnen.\nBegründung: {2}\n\n"
            "Es wird keine Karte hergestellt und nichts berechnet. Bei Fragen antworten Sie "
            "einfach auf diese E-Mail. Den Stand sehen Sie hier: {3}\n\nIhr {0}\n\n---\n\n"
            "Hello,\n\nwe had to reject your order {1}.\nReason: {2}\n\n"
            "No card is produced and nothing is charged. If you have questions, simply reply to "
            "this email. The status is here: {3}?lang=en\n\n{0}\n",
            settings.trust_center, order_number, reason.empty() ? "–" : reason, status);
    }
    return message;
}

MailMessage OrderMailer::invoice_mail(const std::string& order_number,
                                      const OrderMailSettings& settings) const {
    const auto invoice = invoices::invoice_of(database_, order_number);
    if (!invoice) {
        throw std::runtime_error("no invoice for " + order_number);
    }
    MailMessage message;
    message.to = invoice->buyer_email;
    message.subject = fmt::format("Rechnung {} zu Ihrem Auftrag {} / Invoice for your order",
                                  invoice->number, order_number);
    message.body = fmt::format(
        "Guten Tag,\n\nanbei die Rechnung {1} zu Ihrem Auftrag {2} über {3}.\n\nIhr {0}\n\n"
        "---\n\nHello,\n\nplease find attached the invoice {1} for your order {2} of {4}.\n\n"
        "{0}\n",
        settings.trust_center, invoice->number, order_number,
        orders::format_amount(invoice->price.gross_cents(), false),
        orders::format_amount(invoice->price.gross_cents(), true));
    message.attachments.push_back(
        {"rechnung-" + invoice->number + ".pdf", "application/pdf",
         documents::render_invoice(*invoice, {settings.trust_center, settings.seller_address,
                                              settings.seller_vat_id})});
    return message;
}

MailMessage expiry_reminder_mail(const std::string& holder_email, const std::string& order_number,
                                 std::int64_t expires_at, const OrderMailSettings& settings) {
    MailMessage message;
    message.to = holder_email;
    const auto day = iso_date(expires_at);
    const auto german_day = date_de(expires_at);
    const auto link = base_url(settings.portal_url) + "/folgeauftrag";
    message.subject = fmt::format("Ihr Zertifikat läuft am {} ab / Your certificate expires on {}",
                                  german_day, day);
    message.body = fmt::format(
        "Guten Tag,\n\ndas Zertifikat Ihrer Signaturkarte (aus Auftrag {1}) läuft am {2} ab. Mit "
        "der Karte, die Sie haben, bestellen Sie die Folgekarte online – ohne neue "
        "Identifizierung: Karte einstecken und hier beginnen: {3}\n\nIhr {0}\n\n---\n\nHello,"
        "\n\nthe certificate of your signature card (from order {1}) expires on {4}. With the card "
        "you have, you order the follow-up card online — no new identification: insert the card "
        "and start here: {3}?lang=en\n\n{0}\n",
        settings.trust_center, order_number, german_day, link, day);
    return message;
}

MailMessage step_mail(OrderMailKind kind, const std::string& order_number, const std::string& email,
                      const std::string& status_link, const OrderMailSettings& settings) {
    MailMessage message;
    message.to = email;
    const auto english_link = english(status_link);
    std::string subject_de, subject_en, text_de, text_en;
    switch (kind) {
        case OrderMailKind::identified:
            subject_de = "Ihre Identifizierung ist bestätigt";
            subject_en = "Your identification is confirmed";
            text_de = "Ihre Identifizierung zum Auftrag {1} ist geprüft und bestätigt. Als Nächstes "
                      "geben zwei Mitarbeiter den Auftrag frei; dann wird Ihre Karte hergestellt.";
            text_en = "your identification for the order {1} has been checked and confirmed. Next "
                      "two of our staff approve the order; then your card is produced.";
            break;
        case OrderMailKind::activated:
            subject_de = "Ihre Signaturkarte ist freigeschaltet";
            subject_en = "Your signature card is activated";
            text_de = "Sie haben den Empfang der Karte zu Ihrem Auftrag {1} bestätigt. Das Zertifikat "
                      "ist freigeschaltet: Sie können mit der Karte ab sofort qualifiziert "
                      "signieren. Bewahren Sie Ihr Sperrkennwort gut auf.";
            text_en = "you confirmed receipt of the card for your order {1}. Its certificate is "
                      "activated: you can make qualified signatures with the card from now on. Keep "
                      "your revocation password in a safe place.";
            break;
        case OrderMailKind::cancelled:
            subject_de = "Ihr Auftrag wurde storniert";
            subject_en = "Your order was cancelled";
            text_de = "Ihr Auftrag {1} ist storniert. Es wird keine Karte hergestellt und nichts "
                      "berechnet. Haben Sie das nicht veranlasst, antworten Sie bitte auf diese "
                      "E-Mail.";
            text_en = "your order {1} is cancelled. No card is produced and nothing is charged. If "
                      "you did not ask for this, please reply to this email.";
            break;
        default:  // expired
            subject_de = "Ihr Auftrag ist abgelaufen";
            subject_en = "Your order has expired";
            text_de = "Zu Ihrem Auftrag {1} ist bis zur Frist keine Identifizierung eingegangen. Der "
                      "Auftrag ist deshalb abgelaufen; es wird nichts berechnet. Sie können "
                      "jederzeit einen neuen Auftrag stellen.";
            text_en = "no identification for your order {1} arrived by its deadline, so the order "
                      "has expired; nothing is charged. You can place a new order at any time.";
            break;
    }
    message.subject = fmt::format("{} ({}) / {}", subject_de, order_number, subject_en);
    message.body = fmt::format(fmt::runtime("Guten Tag,\n\n" + text_de +
                                            "\n\nDen Stand sehen Sie hier: {2}\n\nIhr {0}\n\n---\n\n"
                                            "Hello,\n\n" + text_en +
                                            "\n\nThe status is here: {3}\n\n{0}\n"),
                               settings.trust_center, order_number, status_link, english_link);
    return message;
}

MailMessage activation_reminder_mail(const std::string& order_number, const std::string& email,
                                     std::int64_t deadline, const std::string& status_link,
                                     const OrderMailSettings& settings) {
    MailMessage message;
    message.to = email;
    const auto day = iso_date(deadline);
    const auto german_day = date_de(deadline);
    const auto english_link = english(status_link);
    message.subject = fmt::format("Bitte bestätigen Sie den Empfang Ihrer Karte bis {} / Please "
                                  "confirm receipt of your card by {}",
                                  german_day, day);
    message.body = fmt::format(
        "Guten Tag,\n\ndie Signaturkarte zu Ihrem Auftrag {1} ist an Sie verschickt, der Empfang "
        "aber noch nicht bestätigt. Solange bleibt das Zertifikat gesperrt.\n\nBitte bestätigen "
        "Sie den Empfang bis zum {2}: mit dem Aktivierungscode aus dem PIN-Brief oder mit der "
        "neuen Karte, hier: {3}\n\nDanach gilt der Aktivierungscode nicht mehr; dann rufen Sie uns "
        "bitte an. Ist die Karte nicht bei Ihnen angekommen, melden Sie sich bitte sofort.\n\n"
        "Ihr {0}\n\n---\n\nHello,\n\nthe signature card for your order {1} has been sent to you, "
        "but its receipt is not yet confirmed. Until then its certificate stays on hold.\n\n"
        "Please confirm receipt by {4}: with the activation code from the PIN letter or with the "
        "new card, here: {5}\n\nAfter that date the activation code no longer works; please call "
        "us then. If the card has not reached you, please tell us at once.\n\n{0}\n",
        settings.trust_center, order_number, german_day, status_link, day, english_link);
    return message;
}

int OrderMailer::deliver_expiry_reminders(std::int64_t now) {
    auto thresholds = settings_.expiry_reminder_days;
    std::sort(thresholds.begin(), thresholds.end());
    int sent = 0;
    for (const int days : thresholds) {
        struct Due {
            long long card_id;
            long long expires_at;
            std::string order_number;
            std::string email;
        };
        std::vector<Due> due;
        database_.with_session([&](soci::session& s) {
            const long long at = now;
            const long long until = now + days * 86400LL;
            const int threshold = days;
            // The card's own order (the one it was produced for) names the holder's address.
            soci::rowset<soci::row> rows =
                (s.prepare << "SELECT k.id, c.not_after, o.order_number, o.order_data FROM cards k "
                              "JOIN certificates c ON c.serial = k.certificate_serial JOIN orders o "
                              "ON o.new_card_id = k.id WHERE k.state = 'active' AND c.status = "
                              "'good' AND c.not_after > :now AND c.not_after <= :until AND NOT "
                              "EXISTS (SELECT 1 FROM expiry_reminders r WHERE r.card_id = k.id AND "
                              "r.days <= :days) AND NOT EXISTS (SELECT 1 FROM orders f WHERE "
                              "f.card_id = k.id AND f.state NOT IN ('rejected', 'cancelled', "
                              "'expired')) ORDER BY c.not_after LIMIT 20",
                 soci::use(at), soci::use(until), soci::use(threshold));
            for (const auto& row : rows) {
                due.push_back({storage::row_int64(row, 0), storage::row_int64(row, 1),
                               row.get<std::string>(2), email_of(row.get<std::string>(3))});
            }
        });
        for (const auto& reminder : due) {
            bool claimed = false;
            try {
                database_.with_session([&](soci::session& s) {
                    const long long at = now;
                    const int threshold = days;
                    s << "INSERT INTO expiry_reminders (card_id, days, claimed_at) VALUES (:card, "
                         ":days, :at)",
                        soci::use(reminder.card_id), soci::use(threshold), soci::use(at);
                    claimed = true;
                });
            } catch (const std::exception&) {
                claimed = false;  // another instance claimed it
            }
            if (!claimed || reminder.email.empty()) {
                continue;
            }
            try {
                transport_.send(expiry_reminder_mail(reminder.email, reminder.order_number,
                                                     reminder.expires_at, settings_));
                database_.with_session([&](soci::session& s) {
                    const long long at = now;
                    const int threshold = days;
                    s << "UPDATE expiry_reminders SET sent_at = :at WHERE card_id = :card AND days "
                         "= :days",
                        soci::use(at), soci::use(reminder.card_id), soci::use(threshold);
                });
                ++sent;
            } catch (const std::exception& e) {
                // Claimed and not sent: the next threshold reminds again.
                spdlog::warn("expiry reminder for order {} not sent: {}", reminder.order_number,
                             e.what());
            }
        }
    }
    return sent;
}

}  // namespace sigcard::mail
