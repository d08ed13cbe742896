#include "backoffice/work_queues.hpp"

#include "audit/audit_log.hpp"
#include "orders/order_errors.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace sigcard::backoffice {

namespace {

using orders::OrderState;

constexpr std::array<Queue, 6> kQueues{Queue::identify, Queue::approve, Queue::produce,
                                       Queue::ship,     Queue::receipt, Queue::deadlines};
constexpr std::array<std::string_view, 6> kNames{"identify", "approve", "produce",
                                                 "ship",     "receipt", "deadlines"};

// The states whose orders are in a queue, each alone.
std::vector<std::string_view> state_list(Queue queue) {
    switch (queue) {
    case Queue::identify:
    case Queue::deadlines: return {"awaiting_identification", "in_review"};
    case Queue::approve: return {"submitted", "identified"};
    case Queue::produce: return {"approved"};
    case Queue::ship: return {"in_production"};
    case Queue::receipt: return {"shipped"};
    }
    return {};
}

// The first `count` orders of a queue, oldest first: one index-ordered scan of
// (state, updated_at, id) per state, merged — never a sort of the whole queue.
std::string oldest_ids(Queue queue, long long count) {
    std::string sql;
    int n = 0;
    for (const auto state : state_list(queue)) {
        sql += sql.empty() ? "" : " UNION ALL ";
        // PostgreSQL (before 16) wants every subquery in FROM named.
        sql += fmt::format("SELECT * FROM (SELECT id, updated_at FROM orders WHERE state = '{}' "
                           "ORDER BY updated_at, id LIMIT {}) AS in_state_{}",
                           state, count, n++);
    }
    return sql;
}

// The states whose orders are in a queue, as SQL.
std::string_view states_of(Queue queue) {
    switch (queue) {
    case Queue::identify: return "('awaiting_identification', 'in_review')";
    case Queue::approve: return "('submitted', 'identified')";
    case Queue::produce: return "('approved')";
    case Queue::ship: return "('in_production')";
    case Queue::receipt: return "('shipped')";
    case Queue::deadlines: return "('awaiting_identification', 'in_review')";
    }
    return "()";
}

// The common name of an RFC 2253 subject ("CN=Erika Mustermann,O=…"), escapes undone.
std::string common_name(std::string_view subject) {
    std::size_t at = 0;
    while (at < subject.size()) {
        if (subject.substr(at, 3) == "CN=") {
            std::string name;
            for (auto i = at + 3; i < subject.size() && subject[i] != ','; ++i) {
                if (subject[i] == '\\' && i + 1 < subject.size()) {
                    ++i;
                }
                name += subject[i];
            }
            return name;
        }
        const auto comma = subject.find(',', at);
        if (comma == std::string_view::npos) {
            break;
        }
        at = comma + 1;
    }
    return std::string(subject);
}

std::string applicant_name(const std::string& document) {
    try {
        const auto parsed = nlohmann::json::parse(document);
        const auto& person = parsed.at("application").at("person");
        return person.value("given_names", std::string()) + " " +
               person.value("surname", std::string());
    } catch (const nlohmann::json::exception&) {
        return {};
    }
}

// Columns every order listing reads, with the joins they need.
constexpr std::string_view kItemSelect =
    "SELECT o.order_number, o.kind, o.state, o.updated_at, COALESCE(c.operator_name, ''), "
    "COALESCE(cert.subject, ''), COALESCE(a.document, ''), a.identification_deadline, "
    "o.certificate_serial, (SELECT COUNT(*) FROM order_decisions d WHERE d.order_id = o.id AND "
    "d.decision = 'approve' AND d.voided_at IS NULL AND d.revision = o.revision) ";
constexpr std::string_view kItemJoins =
    "LEFT JOIN order_claims c ON c.order_id = o.id "
    "LEFT JOIN certificates cert ON cert.serial = o.certificate_serial "
    "LEFT JOIN new_order_applications a ON a.order_id = o.id ";
const std::string kItemColumns =
    std::string(kItemSelect) + "FROM orders o " + std::string(kItemJoins);

QueueItem item_from(const soci::row& row) {
    QueueItem item;
    item.order_number = row.get<std::string>(0);
    item.kind = orders::order_kind_from(row.get<std::string>(1)).value_or(orders::OrderKind::follow_up);
    item.state = orders::order_state_from(row.get<std::string>(2)).value_or(OrderState::submitted);
    item.since = storage::row_int64(row, 3);
    item.claimed_by = row.get<std::string>(4);
    const auto subject = row.get<std::string>(5);
    const auto document = row.get<std::string>(6);
    item.holder = document.empty() ? common_name(subject) : applicant_name(document);
    if (row.get_indicator(7) != soci::i_null && item.kind == orders::OrderKind::new_order &&
        (item.state == OrderState::awaiting_identification || item.state == OrderState::in_review)) {
        item.deadline = storage::row_int64(row, 7);
        item.deadline_kind = "identification";
    }
    item.certificate_serial = row.get<std::string>(8);
    item.approvals = static_cast<int>(storage::row_int64(row, 9));
    return item;
}

// "%text%" for LIKE, with the wildcards of the text itself escaped. The database lowers both
// sides (LOWER), so the search ignores case as far as its LOWER does (SQLite: A–Z;
// PostgreSQL: every letter).
std::string like_pattern(std::string_view text) {
    std::string pattern = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\') {
            pattern += '\\';
        }
        pattern += c;
    }
    return pattern + "%";
}

bool is_hex(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    });
}

std::string trimmed(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

}  // namespace

std::string_view to_string(Queue queue) { return kNames[static_cast<std::size_t>(queue)]; }

std::optional<Queue> queue_from(std::string_view text) {
    const auto found = std::find(kNames.begin(), kNames.end(), text);
    return found == kNames.end() ? std::nullopt
                                 : std::optional(kQueues[static_cast<std::size_t>(found - kNames.begin())]);
}

std::span<const Queue> all_queues() { return kQueues; }

std::optional<operators::Role> role_of(Queue queue) {
    using operators::Role;
    switch (queue) {
    case Queue::identify: return Role::registration_officer;
    case Queue::approve: return Role::approver;
    case Queue::produce: return Role::production;
    case Queue::ship: return Role::shipping;
    case Queue::receipt: return Role::shipping;
    case Queue::deadlines: return std::nullopt;
    }
    return std::nullopt;
}

bool may_see(const operators::Operator& who, Queue queue) {
    const auto role = role_of(queue);
    return role ? who.has(*role) : may_see_orders(who);
}

bool may_see_orders(const operators::Operator& who) {
    return std::any_of(who.roles.begin(), who.roles.end(),
                       [](operators::Role role) { return role != operators::Role::chamber_staff; });
}

std::optional<Queue> queue_of(OrderState state) {
    switch (state) {
    case OrderState::awaiting_identification:
    case OrderState::in_review: return Queue::identify;
    case OrderState::submitted:
    case OrderState::identified: return Queue::approve;
    case OrderState::approved: return Queue::produce;
    case OrderState::in_production: return Queue::ship;
    case OrderState::shipped: return Queue::receipt;
    default: return std::nullopt;
    }
}

std::vector<QueueCount> WorkQueues::counts(std::int64_t now) const {
    return db_.with_session([&](soci::session& s) {
        std::vector<QueueCount> out;
        for (const auto queue : kQueues) {
            QueueCount count{queue, 0, std::nullopt};
            long long items = 0;
            long long oldest = 0;
            soci::indicator none = soci::i_null;
            if (queue == Queue::deadlines) {
                const long long until = now + settings_.deadline_days * 86400LL;
                s << "SELECT COUNT(*), MIN(a.identification_deadline) FROM orders o JOIN "
                     "new_order_applications a ON a.order_id = o.id WHERE o.state IN "
                  << std::string(states_of(queue)) << " AND a.identification_deadline <= :until",
                    soci::use(until), soci::into(items), soci::into(oldest, none);
                long long expiring = 0;
                const long long at = now;
                const long long expiry = now + settings_.expiry_days * 86400LL;
                s << "SELECT COUNT(*) FROM cards k JOIN certificates c ON c.serial = "
                     "k.certificate_serial WHERE k.state = 'active' AND c.status = 'good' AND "
                     "c.not_after > :now AND c.not_after <= :expiry AND NOT EXISTS (SELECT 1 "
                     "FROM orders o WHERE o.card_id = k.id AND o.state NOT IN ('rejected', "
                     "'cancelled', 'expired'))",
                    soci::use(at), soci::use(expiry), soci::into(expiring);
                items += expiring;
                long long activations = 0;
                s << "SELECT COUNT(*) FROM orders o JOIN activation_codes ac ON ac.order_id = o.id "
                     "WHERE o.state = 'shipped' AND ac.used_at IS NULL AND ac.deadline <= :until",
                    soci::use(until), soci::into(activations);
                items += activations;
            } else {
                s << "SELECT COUNT(*), MIN(updated_at) FROM orders WHERE state IN "
                  << std::string(states_of(queue)),
                    soci::into(items), soci::into(oldest, none);
            }
            count.items = items;
            if (none != soci::i_null && items > 0) {
                count.oldest_since = oldest;
            }
            out.push_back(count);
        }
        return out;
    });
}

std::vector<QueueItem> WorkQueues::items(Queue queue, std::int64_t now, int offset,
                                         int limit) const {
    return db_.with_session([&](soci::session& s) {
        std::vector<QueueItem> out;
        const long long first = std::max(offset, 0);
        const long long count = std::clamp(limit, 1, 500);
        if (queue != Queue::deadlines) {
            soci::rowset<soci::row> rows =
                (s.prepare << std::string(kItemSelect) + "FROM (" + oldest_ids(queue, first + count) +
                                  ") picked JOIN orders o ON o.id = picked.id " +
                                  std::string(kItemJoins) +
                                  "ORDER BY o.updated_at, o.id LIMIT :limit OFFSET :offset",
                 soci::use(count), soci::use(first));
            for (const auto& row : rows) {
                out.push_back(item_from(row));
            }
            return out;
        }
        // Deadlines: identifications about to run out, then certificates about to expire
        // without a follow-up order, nearest first.
        const long long until = now + settings_.deadline_days * 86400LL;
        soci::rowset<soci::row> rows =
            (s.prepare << kItemColumns + "WHERE o.state IN " +
                              std::string(states_of(queue)) +
                              " AND a.identification_deadline <= :until ORDER BY "
                              "a.identification_deadline, o.id",
             soci::use(until));
        for (const auto& row : rows) {
            out.push_back(item_from(row));
        }
        // Cards shipped and not confirmed before their activation code runs out.
        soci::rowset<soci::row> activations =
            (s.prepare << std::string(kItemSelect) + ", ac.deadline FROM orders o " +
                              std::string(kItemJoins) +
                              "JOIN activation_codes ac ON ac.order_id = o.id WHERE o.state = "
                              "'shipped' AND ac.used_at IS NULL AND ac.deadline <= :until ORDER BY "
                              "ac.deadline, o.id",
             soci::use(until));
        for (const auto& row : activations) {
            auto item = item_from(row);
            item.deadline = storage::row_int64(row, 10);
            item.deadline_kind = "activation";
            out.push_back(std::move(item));
        }
        const long long at = now;
        const long long expiry = now + settings_.expiry_days * 86400LL;
        soci::rowset<soci::row> expiring =
            (s.prepare << "SELECT c.serial, c.subject, c.not_after FROM cards k JOIN certificates "
                          "c ON c.serial = k.certificate_serial WHERE k.state = 'active' AND "
                          "c.status = 'good' AND c.not_after > :now AND c.not_after <= :expiry "
                          "AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.card_id = k.id AND "
                          "o.state NOT IN ('rejected', 'cancelled', 'expired')) ORDER BY "
                          "c.not_after",
             soci::use(at), soci::use(expiry));
        for (const auto& row : expiring) {
            QueueItem item;
            item.certificate_serial = row.get<std::string>(0);
            item.holder = common_name(row.get<std::string>(1));
            item.deadline = storage::row_int64(row, 2);
            item.deadline_kind = "certificate_expiry";
            item.state = OrderState::active;
            out.push_back(std::move(item));
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const auto& a, const auto& b) { return a.deadline < b.deadline; });
        const auto begin = std::min<std::size_t>(first, out.size());
        const auto end = std::min<std::size_t>(begin + count, out.size());
        return std::vector<QueueItem>(out.begin() + begin, out.begin() + end);
    });
}

void WorkQueues::claim(const std::string& order_number, const operators::Operator& who,
                       std::int64_t now) {
    db_.in_transaction([&](soci::session& s) {
        long long id = 0;
        std::string state;
        s << "SELECT id, state FROM orders WHERE order_number = :n", soci::use(order_number),
            soci::into(id), soci::into(state);
        if (!s.got_data()) {
            throw Error(orders::errors::unknown, order_number);
        }
        const auto queue = queue_of(orders::order_state_from(state).value_or(OrderState::active));
        if (!queue || !may_see(who, *queue)) {
            throw Error(errors::not_in_your_queues, order_number + " is " + state);
        }
        std::string holder;
        s << "SELECT operator_name FROM order_claims WHERE order_id = :id", soci::use(id),
            soci::into(holder);
        if (s.got_data()) {
            if (holder != who.name) {
                throw Error(errors::claimed_by_other, order_number + " by " + holder);
            }
            return;
        }
        const long long at = now;
        try {
            s << "INSERT INTO order_claims (order_id, operator_name, claimed_at) VALUES (:id, "
                 ":name, :at)",
                soci::use(id), soci::use(who.name), soci::use(at);
        } catch (const soci::soci_error& e) {
            throw Error(errors::claimed_by_other, e.what());
        }
        audit::append(s, db_.dialect(), who.actor(), "order.claimed", order_number, "{}");
    });
}

void WorkQueues::hand_back(const std::string& order_number, const operators::Operator& who,
                           std::int64_t now) {
    (void)now;
    db_.in_transaction([&](soci::session& s) {
        long long id = 0;
        s << "SELECT id FROM orders WHERE order_number = :n", soci::use(order_number),
            soci::into(id);
        if (!s.got_data()) {
            throw Error(orders::errors::unknown, order_number);
        }
        soci::statement remove =
            (s.prepare << "DELETE FROM order_claims WHERE order_id = :id AND operator_name = :name",
             soci::use(id), soci::use(who.name));
        remove.execute(true);
        if (remove.get_affected_rows() != 1) {
            throw Error(errors::not_claimed_by_you, order_number);
        }
        audit::append(s, db_.dialect(), who.actor(), "order.handed_back", order_number, "{}");
    });
}

SearchResult WorkQueues::search(std::string_view raw, int limit) const {
    auto text = trimmed(raw);
    SearchResult result;
    if (text.empty()) {
        return result;
    }
    // A hand scanner reading the order form's Data Matrix types "<number> <sha256>".
    std::optional<std::string> scanned_sha256;
    if (const auto space = text.find(' '); space != std::string::npos) {
        const auto tail = trimmed(text.substr(space + 1));
        if (tail.size() == 64 && is_hex(tail)) {
            scanned_sha256 = tail;
            text = text.substr(0, space);
        }
    }
    const long long count = std::clamp(limit, 1, 200);
    return db_.with_session([&](soci::session& s) {
        auto lower = text;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const auto pattern = like_pattern(text);
        std::string where =
            "WHERE o.order_number = :number OR a.postident_reference = :reference OR "
            "o.certificate_serial = :serial OR o.new_card_id IN (SELECT id FROM cards WHERE "
            "certificate_serial = :serial2)";
        const bool by_name = text.size() >= 3 && !scanned_sha256;
        if (by_name) {
            where += " OR LOWER(cert.subject) LIKE LOWER(:pattern) ESCAPE '\\' OR "
                     "LOWER(a.document) LIKE LOWER(:pattern2) ESCAPE '\\'";
        }
        const auto query = kItemColumns + where +
                           " ORDER BY o.created_at DESC, o.id DESC LIMIT :limit";
        soci::rowset<soci::row> rows =
            by_name ? (s.prepare << query, soci::use(text), soci::use(text), soci::use(lower),
                       soci::use(lower), soci::use(pattern), soci::use(pattern), soci::use(count))
                    : (s.prepare << query, soci::use(text), soci::use(text), soci::use(lower),
                       soci::use(lower), soci::use(count));
        for (const auto& row : rows) {
            result.items.push_back(item_from(row));
        }
        if (scanned_sha256 && result.items.size() == 1) {
            std::string stored;
            s << "SELECT document_sha256 FROM orders WHERE order_number = :n",
                soci::use(result.items.front().order_number), soci::into(stored);
            result.scanned_form_matches = stored == *scanned_sha256;
        }
        return result;
    });
}

}  // namespace sigcard::backoffice
