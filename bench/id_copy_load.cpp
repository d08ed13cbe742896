// Load driver: ID copies processed per second — both pages of a German identity card scanned on a
// scanner bed (a synthetic specimen this driver draws), each page decoded, straightened from its
// four corners, marked KOPIE, blackened at two fields, encoded and encrypted with AES-256-GCM —
// beside the `vips` command line decoding and re-encoding the same images in the same run (one
// `vips copy` per page, as a shell script would).
//
// usage: id_copy_load [copies=40]
#include "identification/id_copy.hpp"
#include "support/id_specimen.hpp"

#include "crypto/ossl.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

using namespace sigcard;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// What storing a page costs on top: AES-256-GCM under a fresh key.
std::size_t encrypted_size(const std::string& plain) {
    const auto key = ossl::random_bytes(32);
    const auto iv = ossl::random_bytes(12);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    std::string out(plain.size() + 16, '\0');
    int length = 0;
    EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data());
    EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                      reinterpret_cast<const unsigned char*>(plain.data()), int(plain.size()));
    int final_length = 0;
    EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + length,
                        &final_length);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + plain.size());
    return std::size_t(length + final_length) + 16;
}

}  // namespace

int main(int argc, char** argv) {
    const int copies = argc > 1 ? std::atoi(argv[1]) : 40;
    const auto dir = std::filesystem::temp_directory_path() /
                     fmt::format("sigcard-id-copy-bench-{}", ::getpid());
    std::filesystem::create_directories(dir);
    if (VIPS_INIT("id_copy_load") != 0) {
        return 1;
    }
    const auto front = testing::scanned_specimen(identification::DocumentSide::id_card_front);
    const auto back = testing::scanned_specimen(identification::DocumentSide::id_card_back);
    std::ofstream(dir / "front.png", std::ios::binary) << front.content;
    std::ofstream(dir / "back.png", std::ios::binary) << back.content;

    // 1. SigCard: both pages processed and encrypted, `copies` times.
    auto start = Clock::now();
    std::size_t bytes = 0;
    for (int i = 0; i < copies; ++i) {
        for (const auto& page :
             identification::process_id_copy({front, back}, {"can", "eye_colour"}, {})) {
            bytes += encrypted_size(page.jpeg);
        }
    }
    const double ours = seconds_since(start);

    // 2. The vips command line: decode and re-encode the same two scans, one process per page.
    start = Clock::now();
    for (int i = 0; i < copies; ++i) {
        for (const auto* name : {"front", "back"}) {
            const auto command = fmt::format("vips copy {}/{}.png {}/{}.jpg[Q=90]", dir.string(),
                                             name, dir.string(), name);
            if (std::system(command.c_str()) != 0) {
                fmt::print(stderr, "vips copy failed\n");
                return 1;
            }
        }
    }
    const double cli = seconds_since(start);
    std::filesystem::remove_all(dir);

    fmt::print("scans: 2 PNG pages of {} KiB and {} KiB (1511 × 1038 px each); {} copies\n",
               front.content.size() / 1024, back.content.size() / 1024, copies);
    fmt::print("SigCard (decode, straighten, mark, blacken, encode, encrypt): {:6.2f} copies/s "
               "({:.2f} s, {} KiB stored per copy)\n",
               copies / ours, ours, bytes / copies / 1024);
    fmt::print("vips copy PNG → JPEG, one process per page:                {:6.2f} copies/s "
               "({:.2f} s)\n",
               copies / cli, cli);
    fmt::print("ratio: {:.1f} % of the vips command line\n", 100.0 * (copies / ours) / (copies / cli));
    return 0;
}
