// The back office's work on orders: the queues (one per kind of work, oldest first, with counts,
// claim and hand back), the search (number, name, PostIdent reference, certificate serial, or the
// order form's Data Matrix typed by a hand scanner) and an order's page with its approvals (the
// decisions and changes: backoffice_decisions.cpp).
#include "portal/backoffice/backoffice_pages.hpp"

#include "common/clock.hpp"
#include "encoding/encoding.hpp"
#include "orders/order_errors.hpp"
#include "authority/order_production.hpp"
#include "invoices/invoices.hpp"
#include "retention/retention.hpp"
#include "orders/order_fields.hpp"
#include "portal/api_support.hpp"
#include "portal/backoffice/backoffice_refusals.hpp"
#include "portal/pages/follow_up_wizard.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <map>

namespace sigcard::portal::backoffice {

namespace {

using pages::PageRefusal;
using pages::PageRequest;
using pages::PageValues;
using operators::Role;
using sigcard::backoffice::Decision;
using sigcard::backoffice::Queue;

constexpr int kPageSize = 50;

std::string queue_label(Queue queue, bool en) {
    switch (queue) {
    case Queue::identify: return en ? "To identify" : "Zu identifizieren";
    case Queue::approve: return en ? "To approve" : "Freizugeben";
    case Queue::produce: return en ? "To produce" : "Zu produzieren";
    case Queue::ship: return en ? "To ship" : "Zu versenden";
    case Queue::receipt: return en ? "Awaiting receipt" : "Empfang ausstehend";
    case Queue::deadlines: return en ? "Deadlines" : "Fristen";
    }
    return {};
}

std::string state_label(orders::OrderState state, bool en) {
    static const std::map<orders::OrderState, std::pair<std::string_view, std::string_view>> texts{
        {orders::OrderState::awaiting_identification, {"wartet auf Identifizierung", "awaiting identification"}},
        {orders::OrderState::in_review, {"Identifizierung in Prüfung", "identification in review"}},
        {orders::OrderState::identified, {"identifiziert", "identified"}},
        {orders::OrderState::submitted, {"eingereicht", "submitted"}},
        {orders::OrderState::approved, {"freigegeben", "approved"}},
        {orders::OrderState::in_production, {"in Produktion", "in production"}},
        {orders::OrderState::shipped, {"versandt", "shipped"}},
        {orders::OrderState::active, {"aktiv", "active"}},
        {orders::OrderState::rejected, {"abgelehnt", "rejected"}},
        {orders::OrderState::cancelled, {"storniert", "cancelled"}},
        {orders::OrderState::expired, {"abgelaufen", "expired"}},
    };
    const auto& t = texts.at(state);
    return std::string(en ? t.second : t.first);
}

std::string kind_label(orders::OrderKind kind, bool en) {
    return kind == orders::OrderKind::follow_up ? (en ? "follow-up" : "Folgeauftrag")
                                                : (en ? "new order" : "Neuauftrag");
}

PageValues item_values(const PageRequest& page, const sigcard::backoffice::QueueItem& item,
                       const operators::Operator& who) {
    const bool en = page.english();
    PageValues v;
    v.set("order_number", item.order_number);
    v.set("is_order", !item.order_number.empty());
    v.set("holder", item.holder);
    v.set("kind", item.order_number.empty() ? std::string() : kind_label(item.kind, en));
    v.set("state", item.order_number.empty()
                       ? std::string(en ? "certificate expires" : "Zertifikat läuft ab")
                       : state_label(item.state, en));
    v.set("since", item.since ? pages::format_date_time(item.since, page.language) : "");
    v.set("approvals", std::to_string(item.approvals));
    v.set("awaiting_approval", sigcard::backoffice::queue_of(item.state) == Queue::approve &&
                                   !item.order_number.empty());
    v.set("claimed_by", item.claimed_by);
    v.set("claimed_by_me", item.claimed_by == who.name);
    v.set("claimable", item.claimed_by.empty() && !item.order_number.empty());
    v.set("deadline", item.deadline ? pages::format_date_time(*item.deadline, page.language) : "");
    v.set("deadline_kind", item.deadline_kind);
    v.set("deadline_what", item.deadline_kind == "identification" ? (en ? "identification" : "Identifizierung")
                           : item.deadline_kind == "activation"   ? (en ? "receipt of the card" : "Empfang der Karte")
                           : item.deadline_kind.empty()           ? ""
                                                                  : (en ? "certificate expires" : "Zertifikat läuft ab"));
    v.set("certificate_serial", item.certificate_serial);
    return v;
}

// A class of records the retention schedule deletes ([retention] in sigcard.toml).
std::string record_class_label(const std::string& record_class, bool en) {
    static const std::map<std::string, std::pair<std::string, std::string>> labels{
        {"entered_data", {"Eingegebene Daten (Kontakt, Adressen, Sperrkennwort)",
                          "Entered data (contact, addresses, revocation password)"}},
        {"proofs", {"Nachweise", "Proofs"}},
        {"postident_results", {"PostIdent-Ergebnisse", "PostIdent results"}},
        {"mails", {"E-Mail-Protokoll", "Mail records"}},
        {"identification", {"Identifizierung und Ausweiskopie", "Identification and ID copy"}},
        {"signed_order", {"Unterschriebener Auftrag", "Signed order"}},
    };
    const auto it = labels.find(record_class);
    return it == labels.end() ? record_class : (en ? it->second.second : it->second.first);
}

}  // namespace

void require_order_access(const operators::Operator& who) {
    if (!sigcard::backoffice::may_see_orders(who)) {
        throw PageRefusal(operators::errors::role_required, 403, who.name + " sees no orders");
    }
}

std::string order_parameter(const PageRequest& page, std::string_view name) {
    // A hand scanner reading the order form's Data Matrix types "<number> <sha256>": the number
    // is what comes before the space.
    auto raw = page.http.query.find(name).value_or("");
    raw = raw.substr(0, std::min(raw.find(' '), raw.size()));
    const auto number = decoded_token(raw);
    if (!number) {
        throw PageRefusal(orders::errors::unknown, 404, "order parameter");
    }
    return *number;
}

std::vector<sigcard::backoffice::QueueCount> BackofficePages::queue_counts(std::int64_t now) {
    constexpr std::int64_t kFreshSeconds = 5;
    {
        std::lock_guard lock(counts_mutex_);
        if (!counts_.empty() && now - counts_read_at_ < kFreshSeconds) {
            return counts_;
        }
    }
    auto counts = queues_.counts(now);
    std::lock_guard lock(counts_mutex_);
    counts_ = counts;
    counts_read_at_ = now;
    return counts;
}

void BackofficePages::add_order_routes(http::Router& router) {
    router.get("/arbeit", operator_page(&BackofficePages::queue_page, std::nullopt));
    router.post("/arbeit/nehmen", operator_page(&BackofficePages::claim, std::nullopt));
    router.post("/arbeit/zurueckgeben", operator_page(&BackofficePages::hand_back, std::nullopt));
    router.get("/suche", operator_page(&BackofficePages::search, std::nullopt));
    router.get("/auftrag", operator_page(&BackofficePages::order_page, std::nullopt));
    router.post("/auftrag/entscheidung", operator_page(&BackofficePages::decision_prepare, Role::approver));
    router.post("/auftrag/entscheidung/anfrage",
                operator_page(&BackofficePages::decision_request, Role::approver));
    router.post("/auftrag/entscheidung/abschluss",
                operator_page(&BackofficePages::decision_complete, Role::approver));
    router.get("/auftrag/entscheidung.p7s", operator_page(&BackofficePages::decision_file, std::nullopt));
    router.get("/auftrag/entscheidung.json", operator_page(&BackofficePages::decision_file, std::nullopt));
    router.post("/auftrag/aendern", operator_page(&BackofficePages::change_order, std::nullopt));
}

http::Response BackofficePages::queue_page(PageRequest& page, const Session& session) {
    require_order_access(session.who);
    const bool en = page.english();
    const auto now = unix_now();
    std::optional<Queue> chosen = sigcard::backoffice::queue_from(query_value(page, "liste"));
    const auto counts = queue_counts(now);
    for (const auto& count : counts) {
        if (!chosen && sigcard::backoffice::may_see(session.who, count.queue)) {
            chosen = count.queue;
        }
    }
    if (!chosen || !sigcard::backoffice::may_see(session.who, *chosen)) {
        throw PageRefusal(operators::errors::role_required, 403, "queue");
    }
    int number = 0;
    try {
        number = std::max(0, std::stoi(query_value(page, "seite").empty() ? "0"
                                                                          : query_value(page, "seite")));
    } catch (const std::exception&) {
        number = 0;
    }
    const auto items = queues_.items(*chosen, now, number * kPageSize, kPageSize + 1);
    // The counts are read at most every few seconds; the open queue's own tab says what its
    // list shows when the list is whole.
    const bool whole = number == 0 && items.size() <= kPageSize;
    PageValues tabs{PageValues::type::list};
    for (const auto& count : counts) {
        if (!sigcard::backoffice::may_see(session.who, count.queue)) {
            continue;
        }
        PageValues tab;
        tab.set("queue", std::string(to_string(count.queue)));
        tab.set("label", queue_label(count.queue, en));
        tab.set("count", std::to_string(count.queue == *chosen && whole
                                            ? static_cast<std::int64_t>(items.size())
                                            : count.items));
        tab.set("active", count.queue == *chosen);
        tab.set("oldest", count.oldest_since ? pages::format_date_time(*count.oldest_since, page.language)
                                             : "");
        tabs.push_back(tab);
    }
    PageValues rows{PageValues::type::list};
    for (std::size_t i = 0; i < items.size() && i < kPageSize; ++i) {
        rows.push_back(item_values(page, items[i], session.who));
    }
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Arbeitslisten", "Work queues")));
    values.set("tabs", tabs);
    values.set("queue", std::string(to_string(*chosen)));
    values.set("queue_label", queue_label(*chosen, en));
    values.set("items", rows);
    values.set("empty", rows.is_empty_list());
    values.set("is_approve_queue", *chosen == Queue::approve);
    values.set("is_produce_queue", *chosen == Queue::produce && session.who.has(Role::production));
    values.set("is_deadlines", *chosen == Queue::deadlines);
    values.set("has_previous", number > 0);
    values.set("previous_page", std::to_string(number - 1));
    values.set("has_next", items.size() > kPageSize);
    values.set("next_page", std::to_string(number + 1));
    return render(page, "backoffice_queue", std::move(values));
}

http::Response BackofficePages::claim(PageRequest& page, const Session& session) {
    require_order_access(session.who);
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto number = std::string(form.find("order").value_or(""));
    refusing([&] { queues_.claim(number, session.who, unix_now()); return 0; });
    return http::Response::redirect("/auftrag?auftrag=" + number);
}

http::Response BackofficePages::hand_back(PageRequest& page, const Session& session) {
    require_order_access(session.who);
    const auto form = http::QueryParameters::parse(page.http.body);
    const auto number = std::string(form.find("order").value_or(""));
    refusing([&] { queues_.hand_back(number, session.who, unix_now()); return 0; });
    const auto queue = sigcard::backoffice::queue_from(form.find("liste").value_or(""));
    return http::Response::redirect(queue ? "/arbeit?liste=" + std::string(to_string(*queue))
                                          : "/auftrag?auftrag=" + number);
}

http::Response BackofficePages::search(PageRequest& page, const Session& session) {
    require_order_access(session.who);
    const auto text = query_value(page, "q");
    const auto found = queues_.search(text, 50);
    if (found.items.size() == 1 && found.scanned_form_matches.value_or(true)) {
        return http::Response::redirect("/auftrag?auftrag=" +
                                        found.items.front().order_number);
    }
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Suche", "Search")));
    values.set("query", text);
    PageValues rows{PageValues::type::list};
    for (const auto& item : found.items) {
        rows.push_back(item_values(page, item, session.who));
    }
    values.set("has_items", !rows.is_empty_list());
    values.set("items", rows);
    values.set("empty", rows.is_empty_list() && !text.empty());
    values.set("form_differs", found.scanned_form_matches == false);
    return render(page, "backoffice_search", std::move(values));
}

http::Response BackofficePages::order_page(PageRequest& page, const Session& session) {
    return order_view(page, session, order_parameter(page, "auftrag"), {}, 200);
}

http::Response BackofficePages::order_view(PageRequest& page, const Session& session,
                                           const std::string& number,
                                           const std::vector<orders::FieldError>& change_errors,
                                           int status) {
    require_order_access(session.who);
    const bool en = page.english();
    const auto record = context_.book.find(number);
    if (!record) {
        throw PageRefusal(orders::errors::unknown, 404, number);
    }
    const auto approval = approvals_.status(number);
    auto values = operator_values(page, session);
    values.set("title", std::string(page.text("Auftrag", "Order")) + " " + number);
    values.set("order_number", number);
    values.set("kind", kind_label(record->kind, en));
    values.set("state", state_label(record->state, en));
    values.set("state_id", std::string(orders::to_string(record->state)));
    values.set("created", pages::format_date_time(record->created_at, page.language));
    values.set("revision", std::to_string(approval.revision));
    values.set("document_sha256", record->document_sha256);
    values.set("is_new_order", record->kind == orders::OrderKind::new_order);
    values.set("approvals", std::to_string(approval.approvals()));
    const auto queue = sigcard::backoffice::queue_of(record->state);
    const bool awaiting_approval = queue == Queue::approve;
    values.set("awaiting_approval", awaiting_approval);
    values.set("may_decide", awaiting_approval && session.who.has(Role::approver));
    values.set("may_change",
               (queue == Queue::approve || queue == Queue::identify) &&
                   (session.who.has(Role::approver) || session.who.has(Role::registration_officer)));
    values.set("may_identify", queue == Queue::identify &&
                                   session.who.has(Role::registration_officer) &&
                                   record->kind == orders::OrderKind::new_order);
    values.set("decided", query_value(page, "entschieden"));
    values.set("decided_approve", query_value(page, "entschieden") == "approve");
    values.set("decided_reject", query_value(page, "entschieden") == "reject");
    values.set("voided", query_value(page, "ungueltig"));
    values.set("changed", !query_value(page, "geaendert").empty());
    values.set("shipped_now", !query_value(page, "versandt").empty());
    values.set("revoked_now", !query_value(page, "gesperrt").empty());
    values.set("may_revoke", (record->state == orders::OrderState::shipped ||
                              record->state == orders::OrderState::active) &&
                                 (session.who.has(Role::registration_officer) ||
                                  session.who.has(Role::approver)) &&
                                 context_.desk != nullptr);
    values.set("may_produce", record->state == orders::OrderState::approved &&
                                  session.who.has(Role::production) && context_.desk != nullptr);
    const bool produced = record->new_card_id.has_value();
    values.set("may_ship", record->state == orders::OrderState::in_production && produced &&
                               session.who.has(Role::shipping) && context_.desk != nullptr);
    values.set("may_print_label", (record->state == orders::OrderState::in_production ||
                                   record->state == orders::OrderState::shipped) &&
                                      session.who.has(Role::shipping));
    if (const auto shipment = authority::shipment_of(context_.db, number)) {
        values.set("card_tracking", shipment->card_tracking);
        values.set("letter_tracking", shipment->letter_tracking);
    }
    if (const auto invoice = invoices::invoice_of(context_.db, number)) {
        values.set("invoice_number", invoice->number);
    }
    // What the retention schedule deleted of it.
    PageValues deletions{PageValues::type::list};
    for (const auto& d : retention::deletions_of(context_.db, number)) {
        PageValues row;
        row.set("record_class", d.record_class);
        row.set("label", record_class_label(d.record_class, en));
        row.set("deleted_at", pages::format_date_time(d.deleted_at, page.language));
        deletions.push_back(row);
    }
    values.set("has_deletions", !deletions.is_empty_list());
    values.set("deletions", deletions);

    // Who works on it.
    std::string claimed_by;
    context_.db.with_session([&](soci::session& s) {
        s << "SELECT c.operator_name FROM order_claims c JOIN orders o ON o.id = c.order_id "
             "WHERE o.order_number = :n",
            soci::use(number), soci::into(claimed_by);
    });
    values.set("claimed_by", claimed_by);
    values.set("claimed_by_me", claimed_by == session.who.name);
    values.set("claimable", claimed_by.empty() && queue && sigcard::backoffice::may_see(session.who, *queue));

    // The entered data: as the form asks for it, to read and to change.
    PageValues fields{PageValues::type::list};
    auto data = record->data;
    for (const auto& field : orders::order_fields()) {
        PageValues f;
        f.set("name", field.name);
        f.set("label", orders::field_title(field, en));
        f.set("value", field.value(data));
        f.set("input", std::string(field.input == "country" ? "text" : field.input));
        const auto error = std::find_if(change_errors.begin(), change_errors.end(),
                                        [&](const auto& e) { return e.field == field.name; });
        f.set("error", error == change_errors.end() ? std::string()
                                                    : std::string(page.text(*error->code)));
        f.set("has_error", error != change_errors.end());
        fields.push_back(f);
    }
    values.set("fields", fields);
    values.set("change_refused", !change_errors.empty());

    PageValues decisions{PageValues::type::list};
    for (const auto& d : approval.decisions) {
        PageValues v;
        v.set("id", std::to_string(d.id));
        v.set("operator", d.operator_name);
        v.set("decision", d.decision == Decision::approve
                              ? std::string(page.text("Freigabe", "Approval"))
                              : std::string(page.text("Ablehnung", "Rejection")));
        v.set("decided", pages::format_date_time(d.decided_at, page.language));
        v.set("revision", std::to_string(d.revision));
        v.set("voided", d.voided_at.has_value());
        v.set("certificate_serial", d.certificate_serial);
        decisions.push_back(v);
    }
    values.set("decisions", decisions);
    values.set("has_decisions", !decisions.is_empty_list());
    PageValues history{PageValues::type::list};
    for (const auto& event : record->events) {
        PageValues v;
        v.set("at", pages::format_date_time(event.at, page.language));
        v.set("to", state_label(event.to, en));
        v.set("actor", event.actor);
        v.set("note", event.note);
        history.push_back(v);
    }
    values.set("history", history);
    auto response = render(page, "backoffice_order", std::move(values));
    response.status = status;
    return response;
}

}  // namespace sigcard::portal::backoffice
