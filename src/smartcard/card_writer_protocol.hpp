// sigcard-card-writer's side of card production in a process of its own: it reads one request
// per line (JSON) on standard input and answers one line on standard output. SoftHSM2 serves
// one token store per process, so the cards are written by a process that sees only the card
// store while the CA's keys stay with the process that issues.
//   → {"label", "key_type": ec_p256|ec_p384|rsa_3072, "transport_pin"}
//   ← {"card_serial", "public_key_pem"}            (token initialised, key pair on the card)
//   → {"certificate_pem", "chain_pem": [issuing CA, root]}
//   ← {"stored": true}
// Any failure answers {"error": {"code", "detail"}} and ends the process.
#pragma once

#include <filesystem>
#include <iosfwd>

namespace sigcard::smartcard {

// Runs the writer's side over `in` and `out` with the module at `module_path`. Returns the
// process exit status (0: the card was written).
int run_card_writer(const std::filesystem::path& module_path, std::istream& in, std::ostream& out);

}  // namespace sigcard::smartcard
