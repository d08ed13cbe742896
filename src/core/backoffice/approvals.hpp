// Four-eyes approval: an order is approved by two different approvers, neither of whom entered
// it or identified its applicant. Every decision — approval or rejection — is a statement the
// approver signs with the operator card (CAdES over the order's document hash, the entered data's
// hash, the order's revision, the decision and the time); the statement and the signature are
// kept with the order and named in the audit log: the approval is evidence, not a row. A change
// to the order's data raises its revision and voids the approvals given so far.
#pragma once

#include "common/error.hpp"
#include "operators/operator_register.hpp"
#include "orders/order_data.hpp"
#include "orders/order_life.hpp"
#include "storage/database.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sigcard::backoffice {

namespace errors {
inline constexpr ErrorCode not_awaiting_approval{
    "approval.not_awaiting", "Dieser Auftrag wartet nicht auf eine Freigabe.",
    "This order is not waiting for approval."};
inline constexpr ErrorCode same_approver{
    "approval.same_operator",
    "Sie haben über diesen Auftrag schon entschieden. Die zweite Freigabe muss ein anderer "
    "Freigeber erteilen.",
    "You have already decided on this order. The second approval must come from another "
    "approver."};
inline constexpr ErrorCode identified_by_approver{
    "approval.identified_by_you",
    "Sie haben den Antragsteller dieses Auftrags identifiziert. Freigeben müssen ihn zwei andere "
    "Freigeber.",
    "You identified this order's applicant. Two other approvers must approve it."};
inline constexpr ErrorCode entered_by_approver{
    "approval.entered_by_you",
    "Sie haben diesen Auftrag erfasst. Freigeben müssen ihn zwei andere Freigeber.",
    "You entered this order. Two other approvers must approve it."};
inline constexpr ErrorCode statement_stale{
    "approval.order_changed",
    "Der Auftrag wurde geändert, seit Sie ihn geöffnet haben. Bitte prüfen Sie ihn erneut. Es "
    "wurde nichts gespeichert.",
    "The order was changed since you opened it. Please check it again. Nothing was stored."};
inline constexpr ErrorCode statement_expired{
    "approval.expired",
    "Die Entscheidung wurde nicht rechtzeitig signiert. Bitte entscheiden Sie erneut.",
    "The decision was not signed in time. Please decide again."};
inline constexpr ErrorCode statement_invalid{
    "approval.statement_invalid",
    "Die signierte Erklärung ist keine Entscheidung dieses Backoffice über diesen Auftrag.",
    "The signed statement is not a decision of this back office on this order."};
inline constexpr ErrorCode signature_invalid{
    "approval.signature_invalid",
    "Die Entscheidung ist nicht mit Ihrer Mitarbeiterkarte gültig signiert. Es wurde nichts "
    "gespeichert.",
    "The decision is not validly signed with your operator card. Nothing was stored."};
inline constexpr ErrorCode reason_missing{
    "approval.reason_missing",
    "Eine Ablehnung braucht eine Begründung; der Antragsteller erfährt sie.",
    "A rejection needs a reason; the applicant is told it."};
inline constexpr ErrorCode reason_unreadable{
    "approval.reason_unreadable",
    "Die Begründung enthält Zeichen, die nicht erlaubt sind, oder ist länger als 500 Zeichen.",
    "The reason contains characters that are not allowed, or is longer than 500 characters."};
inline constexpr ErrorCode change_not_allowed{
    "order.change_not_allowed",
    "Dieser Auftrag kann nicht mehr geändert werden: er ist freigegeben oder abgeschlossen.",
    "This order can no longer be changed: it has been approved or is finished."};
inline constexpr ErrorCode change_reason_missing{
    "order.change_reason_missing", "Bitte geben Sie an, warum der Auftrag geändert wird.",
    "Please say why the order is changed."};
}  // namespace errors

// How long a decision statement may be signed.
inline constexpr std::int64_t decision_lifetime = 10 * 60;
// Approvals an order needs, each by a different approver.
inline constexpr int approvals_needed = 2;

enum class Decision { approve, reject };
std::string_view to_string(Decision decision);

// What the approver signs: exactly these bytes.
struct DecisionStatement {
    std::string text;
    std::string order_number;
    Decision decision = Decision::approve;
    std::int64_t issued_at = 0;
};

struct StoredDecision {
    std::int64_t id = 0;
    Decision decision = Decision::approve;
    std::string operator_name;
    std::string certificate_serial;
    int revision = 0;
    std::string statement;
    std::string signature_base64;  // CMS, detached
    std::int64_t decided_at = 0;
    std::optional<std::int64_t> voided_at;
};

struct DecisionOutcome {
    orders::OrderState state = orders::OrderState::submitted;
    int approvals = 0;  // valid approvals of the current revision after this one
};

// Where an order stands with its approvals, for the pages.
struct ApprovalStatus {
    std::string order_number;
    orders::OrderKind kind = orders::OrderKind::follow_up;
    orders::OrderState state = orders::OrderState::submitted;
    int revision = 0;
    std::string entered_by;                  // the actor who placed the order
    std::vector<std::string> identified_by;  // actors who identified the applicant
    std::vector<StoredDecision> decisions;   // oldest first, voided ones included
    int approvals() const;                   // valid approvals of the current revision
};

class Approvals {
public:
    Approvals(storage::Database& db, std::string trust_center_name)
        : db_(db), trust_center_(std::move(trust_center_name)) {}

    // The statement `who` signs for `decision` on the order as it stands at `now`. Checks what
    // can be checked before signing and throws the errors decide() would: operator.role_required,
    // order.not_found, approval.not_awaiting, approval.entered_by_you, approval.identified_by_you,
    // approval.same_operator, approval.reason_missing, approval.reason_unreadable.
    DecisionStatement statement(const std::string& order_number, Decision decision,
                                const std::string& reason, const operators::Operator& who,
                                std::int64_t now) const;

    // Stores a signed decision in one transaction: the statement must be exactly what
    // statement() gives for the order as it stands now (approval.order_changed,
    // approval.statement_invalid), not older than decision_lifetime (approval.expired), signed
    // by `who`'s registered card (approval.signature_invalid), and pass every check of
    // statement(). The second valid approval approves the order; a rejection rejects it with
    // the reason. Nothing is stored when it throws.
    DecisionOutcome decide(const std::string& statement_text, std::span<const std::uint8_t> cms,
                           const operators::Operator& who, std::int64_t now);

    ApprovalStatus status(const std::string& order_number) const;

    // A registration officer or approver changes the order's contact or addresses (the holder
    // asked for it): checked like the order form (order.invalid_input), before approval only
    // (order.change_not_allowed), with a reason; the revision rises and the approvals given so
    // far are void. Returns how many approvals were voided. The same data again changes nothing.
    int change_order_data(const std::string& order_number, const orders::OrderData& data,
                          const std::string& reason, const operators::Operator& who,
                          std::int64_t now);

private:
    storage::Database& db_;
    std::string trust_center_;
};

}  // namespace sigcard::backoffice
