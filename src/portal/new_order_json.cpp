#include "portal/new_order_json.hpp"

#include "encoding/encoding.hpp"
#include "portal/follow_up_api_errors.hpp"

namespace sigcard::portal {

using nlohmann::json;

std::vector<new_order::ProofUpload> take_uploads(json& body) {
    std::vector<new_order::ProofUpload> uploads;
    auto certificate = body.find("certificate");
    if (certificate == body.end() || !certificate->is_object()) {
        return uploads;
    }
    for (auto& [attribute, value] : certificate->items()) {
        if (!value.is_object()) {
            continue;
        }
        auto proof = value.find("proof");
        if (proof == value.end() || !proof->is_object()) {
            continue;
        }
        auto file = proof->find("file_base64");
        if (file == proof->end()) {
            continue;
        }
        if (!file->is_string()) {
            throw MalformedRequest("certificate." + attribute + ".proof.file_base64", "not a string");
        }
        try {
            uploads.push_back({attribute, encoding::from_base64(file->get<std::string>())});
        } catch (const std::invalid_argument&) {
            throw MalformedRequest("certificate." + attribute + ".proof.file_base64",
                                   "not base64");
        }
        proof->erase("file_base64");
    }
    return uploads;
}

Secret secret_field(const json& body, const char* key) {
    const auto found = body.find(key);
    if (found == body.end() || found->is_null()) {
        return Secret();
    }
    if (!found->is_string()) {
        throw MalformedRequest(key, "not a string");
    }
    return Secret(found->get_ref<const std::string&>());
}

}  // namespace sigcard::portal
