// sigcard-card-writer: card production's card-side steps in a process of their own, started by
// `sigcard card produce` with the card store's environment (src/card/card_writer_protocol.hpp).
#include <iostream>
#include <string_view>

#include "smartcard/card_writer_protocol.hpp"

int main(int argc, char** argv) {
    if (argc != 3 || std::string_view(argv[1]) != "--module") {
        std::cerr << "usage: sigcard-card-writer --module PKCS11_MODULE (requests on stdin)\n";
        return 2;
    }
    return sigcard::smartcard::run_card_writer(argv[2], std::cin, std::cout);
}
