// The people who run the trust center's back office: each named by the certificate of a
// qualified card of this trust center, with the roles it may act in. Added and removed by an
// administrator (or `sigcard operator`), each change in the audit log; a removed operator keeps
// their history and cannot log in.
#pragma once

#include "common/error.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sigcard::operators {

enum class Role {
    registration_officer,  // identifies applicants in person; reviews PostIdent results
    approver,              // approves orders (two different approvers each)
    production,            // produces cards
    shipping,              // ships cards and PIN letters
    auditor,               // reads the audit log and checks its chain
    administrator,         // manages operators
    chamber_staff,         // revokes certificates carrying their chamber's admission, nothing else
};
std::string_view to_string(Role role);
std::optional<Role> role_from(std::string_view text);
std::span<const Role> all_roles();
// German and English names, for pages and terminals.
std::string_view role_text(Role role, bool english);

namespace errors {
inline constexpr ErrorCode name_invalid{
    "operator.name_invalid",
    "Der Kurzname eines Mitarbeiters besteht aus 2 bis 32 Kleinbuchstaben, Ziffern, „.“ oder „-“.",
    "An operator's short name is 2 to 32 lower-case letters, digits, '.' or '-'."};
inline constexpr ErrorCode exists{
    "operator.exists", "Diesen Mitarbeiter oder diese Karte gibt es schon.",
    "This operator or this card is registered already."};
inline constexpr ErrorCode not_found{"operator.not_found", "Diesen Mitarbeiter gibt es nicht.",
                                     "There is no such operator."};
inline constexpr ErrorCode role_unknown{
    "operator.role_unknown", "Diese Rolle gibt es nicht.", "There is no such role."};
inline constexpr ErrorCode roles_missing{
    "operator.roles_missing", "Ein Mitarbeiter braucht mindestens eine Rolle.",
    "An operator needs at least one role."};
inline constexpr ErrorCode chamber_missing{
    "operator.chamber_missing",
    "Kammer-Mitarbeiter brauchen ihre Kammer (die Kammer der Berufszulassungen, die sie sperren "
    "dürfen).",
    "Chamber staff need their chamber (the chamber of the admissions they may revoke)."};
inline constexpr ErrorCode certificate_unknown{
    "operator.certificate_unknown",
    "Dieses Zertifikat hat dieses Trust Center nicht ausgestellt.",
    "This trust center did not issue this certificate."};
inline constexpr ErrorCode certificate_not_valid{
    "operator.certificate_not_valid",
    "Das Zertifikat der Karte ist gesperrt, abgelaufen oder noch nicht gültig.",
    "The card's certificate is revoked, expired or not yet valid."};
inline constexpr ErrorCode last_administrator{
    "operator.last_administrator",
    "Der letzte Administrator kann nicht entfernt werden.",
    "The last administrator cannot be removed."};
inline constexpr ErrorCode role_required{
    "operator.role_required", "Dafür fehlt Ihnen die Rolle.",
    "You do not have the role for this."};
}  // namespace errors

struct Operator {
    std::int64_t id = 0;
    std::string name;
    std::string display_name;
    std::string certificate_serial;
    std::vector<Role> roles;
    std::string chamber;
    std::string added_by;
    std::int64_t added_at = 0;

    bool has(Role role) const;
    // How the audit log and the order events name them.
    std::string actor() const { return "operator:" + name; }
};

struct NewOperator {
    std::string name;
    std::string display_name;
    std::string certificate_serial;  // of a holder certificate this trust center issued
    std::vector<Role> roles;
    std::string chamber;
};

class OperatorRegister {
public:
    explicit OperatorRegister(storage::Database& db) : db_(db) {}

    // Throws the operator.* errors above; nothing is stored then.
    Operator add(const NewOperator& entry, const std::string& actor, std::int64_t now);
    // Throws operator.not_found, operator.last_administrator.
    void remove(const std::string& name, const std::string& actor, std::int64_t now);
    // The operators who may act, by name.
    std::vector<Operator> list() const;
    std::optional<Operator> find(const std::string& name) const;
    std::optional<Operator> by_certificate(const std::string& certificate_serial) const;

private:
    storage::Database& db_;
};

// by_certificate() and find() inside a transaction the caller holds.
std::optional<Operator> operator_by_certificate(soci::session& s,
                                                const std::string& certificate_serial);
std::optional<Operator> operator_by_name(soci::session& s, const std::string& name);

// Roles from "approver,auditor" (spaces allowed). Throws operator.role_unknown.
std::vector<Role> roles_from(std::string_view text);

// Throws operator.role_required unless `who` has `role`.
void require_role(const Operator& who, Role role);

}  // namespace sigcard::operators
