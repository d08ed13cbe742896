#include "operators/operator_register.hpp"

#include "audit/audit_log.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <algorithm>
#include <array>

namespace sigcard::operators {

namespace {

struct RoleFacts {
    Role role;
    std::string_view name, de, en;
};

constexpr std::array<RoleFacts, 7> kRoles{{
    {Role::registration_officer, "registration_officer", "Registrierungsstelle",
     "Registration officer"},
    {Role::approver, "approver", "Freigabe", "Approver"},
    {Role::production, "production", "Produktion", "Production"},
    {Role::shipping, "shipping", "Versand", "Shipping"},
    {Role::auditor, "auditor", "Revision", "Auditor"},
    {Role::administrator, "administrator", "Administration", "Administrator"},
    {Role::chamber_staff, "chamber_staff", "Kammer", "Chamber staff"},
}};

constexpr auto kAllRoles = [] {
    std::array<Role, kRoles.size()> roles{};
    for (std::size_t i = 0; i < kRoles.size(); ++i) {
        roles[i] = kRoles[i].role;
    }
    return roles;
}();

const RoleFacts& facts_of(Role role) {
    return *std::find_if(kRoles.begin(), kRoles.end(),
                         [role](const RoleFacts& f) { return f.role == role; });
}

bool valid_name(std::string_view name) {
    return name.size() >= 2 && name.size() <= 32 &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
           });
}

std::string roles_text(const std::vector<Role>& roles) {
    std::string text;
    for (const auto role : roles) {
        text += (text.empty() ? "" : ",") + std::string(to_string(role));
    }
    return text;
}

constexpr const char* kColumns =
    "SELECT id, name, display_name, certificate_serial, roles, chamber, added_by, added_at FROM "
    "operators WHERE removed_at IS NULL ";

Operator operator_from(const soci::row& row) {
    Operator o;
    o.id = storage::row_int64(row, 0);
    o.name = row.get<std::string>(1);
    o.display_name = row.get<std::string>(2);
    o.certificate_serial = row.get<std::string>(3);
    o.roles = roles_from(row.get<std::string>(4));
    o.chamber = row.get<std::string>(5);
    o.added_by = row.get<std::string>(6);
    o.added_at = storage::row_int64(row, 7);
    return o;
}

std::optional<Operator> one(soci::session& s, const std::string& where, const std::string& value) {
    soci::rowset<soci::row> rows = (s.prepare << std::string(kColumns) + where, soci::use(value));
    for (const auto& row : rows) {
        return operator_from(row);
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(Role role) { return facts_of(role).name; }

std::optional<Role> role_from(std::string_view text) {
    const auto found = std::find_if(kRoles.begin(), kRoles.end(),
                                    [text](const RoleFacts& f) { return f.name == text; });
    return found == kRoles.end() ? std::nullopt : std::optional(found->role);
}

std::span<const Role> all_roles() { return kAllRoles; }

std::string_view role_text(Role role, bool english) {
    return english ? facts_of(role).en : facts_of(role).de;
}

bool Operator::has(Role role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::vector<Role> roles_from(std::string_view text) {
    std::vector<Role> roles;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find(',', start), text.size());
        auto part = text.substr(start, end - start);
        while (!part.empty() && part.front() == ' ') {
            part.remove_prefix(1);
        }
        while (!part.empty() && part.back() == ' ') {
            part.remove_suffix(1);
        }
        if (!part.empty()) {
            const auto role = role_from(part);
            if (!role) {
                throw Error(errors::role_unknown, std::string(part));
            }
            if (std::find(roles.begin(), roles.end(), *role) == roles.end()) {
                roles.push_back(*role);
            }
        }
        start = end + 1;
    }
    return roles;
}

void require_role(const Operator& who, Role role) {
    if (!who.has(role)) {
        throw Error(errors::role_required, who.name + " lacks " + std::string(to_string(role)));
    }
}

Operator OperatorRegister::add(const NewOperator& entry, const std::string& actor,
                               std::int64_t now) {
    if (!valid_name(entry.name)) {
        throw Error(errors::name_invalid, entry.name);
    }
    if (entry.roles.empty()) {
        throw Error(errors::roles_missing);
    }
    const bool chamber_staff =
        std::find(entry.roles.begin(), entry.roles.end(), Role::chamber_staff) != entry.roles.end();
    if (chamber_staff && entry.chamber.empty()) {
        throw Error(errors::chamber_missing);
    }
    return db_.in_transaction([&](soci::session& s) {
        std::string role;
        std::string status;
        long long not_before = 0;
        long long not_after = 0;
        s << "SELECT role, status, not_before, not_after FROM certificates WHERE serial = :serial",
            soci::use(entry.certificate_serial), soci::into(role), soci::into(status),
            soci::into(not_before), soci::into(not_after);
        if (!s.got_data() || role != "holder") {
            throw Error(errors::certificate_unknown, entry.certificate_serial);
        }
        if (status != "good" || now < not_before || now > not_after) {
            throw Error(errors::certificate_not_valid, entry.certificate_serial);
        }
        long long taken = 0;
        s << "SELECT COUNT(*) FROM operators WHERE removed_at IS NULL AND (name = :name OR "
             "certificate_serial = :serial)",
            soci::use(entry.name), soci::use(entry.certificate_serial), soci::into(taken);
        if (taken > 0) {
            throw Error(errors::exists, entry.name);
        }
        const std::string roles = roles_text(entry.roles);
        const std::string chamber = chamber_staff ? entry.chamber : std::string();
        const long long at = now;
        s << "INSERT INTO operators (name, display_name, certificate_serial, roles, chamber, "
             "added_by, added_at) VALUES (:name, :display, :serial, :roles, :chamber, :actor, :at)",
            soci::use(entry.name), soci::use(entry.display_name),
            soci::use(entry.certificate_serial), soci::use(roles), soci::use(chamber),
            soci::use(actor), soci::use(at);
        audit::append(s, db_.dialect(), actor, "operator.added", entry.name,
                      nlohmann::json{{"certificate_serial", entry.certificate_serial},
                                     {"roles", roles},
                                     {"chamber", chamber}}
                          .dump());
        return *one(s, "AND name = :name", entry.name);
    });
}

void OperatorRegister::remove(const std::string& name, const std::string& actor,
                              std::int64_t now) {
    db_.in_transaction([&](soci::session& s) {
        const auto found = one(s, "AND name = :name", name);
        if (!found) {
            throw Error(errors::not_found, name);
        }
        if (found->has(Role::administrator)) {
            long long administrators = 0;
            soci::rowset<std::string> rows =
                (s.prepare << "SELECT roles FROM operators WHERE removed_at IS NULL");
            for (const auto& roles : rows) {
                const auto list = roles_from(roles);
                administrators +=
                    std::find(list.begin(), list.end(), Role::administrator) != list.end();
            }
            if (administrators <= 1) {
                throw Error(errors::last_administrator, name);
            }
        }
        const long long at = now;
        const long long id = found->id;
        s << "UPDATE operators SET removed_at = :at, removed_by = :actor WHERE id = :id",
            soci::use(at), soci::use(actor), soci::use(id);
        audit::append(s, db_.dialect(), actor, "operator.removed", name, "{}");
    });
}

std::vector<Operator> OperatorRegister::list() const {
    return db_.with_session([&](soci::session& s) {
        std::vector<Operator> out;
        soci::rowset<soci::row> rows = (s.prepare << std::string(kColumns) + "ORDER BY name");
        for (const auto& row : rows) {
            out.push_back(operator_from(row));
        }
        return out;
    });
}

std::optional<Operator> OperatorRegister::find(const std::string& name) const {
    return db_.with_session([&](soci::session& s) { return one(s, "AND name = :name", name); });
}

std::optional<Operator> OperatorRegister::by_certificate(
    const std::string& certificate_serial) const {
    return db_.with_session(
        [&](soci::session& s) { return operator_by_certificate(s, certificate_serial); });
}

std::optional<Operator> operator_by_certificate(soci::session& s,
                                                const std::string& certificate_serial) {
    return one(s, "AND certificate_serial = :serial", certificate_serial);
}

std::optional<Operator> operator_by_name(soci::session& s, const std::string& name) {
    return one(s, "AND name = :name", name);
}

}  // namespace sigcard::operators
