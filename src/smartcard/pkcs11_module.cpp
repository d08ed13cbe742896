#include "smartcard/pkcs11_module.hpp"

#include "smartcard/card_errors.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace sigcard::smartcard {

std::string trim_field(const unsigned char* field, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(field), size);
    const auto end = text.find_last_not_of(std::string_view(" \0", 2));
    return end == std::string::npos ? std::string() : text.substr(0, end + 1);
}

Pkcs11Module::Pkcs11Module(const std::filesystem::path& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error(errors::module_missing, path.string());
    }
    library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library_ == nullptr) {
        throw Error(errors::module_not_loadable, fmt::format("{}: {}", path.string(), dlerror()));
    }
    auto get_function_list =
        reinterpret_cast<CK_C_GetFunctionList>(dlsym(library_, "C_GetFunctionList"));
    CK_RV rv = CKR_GENERAL_ERROR;
    if (get_function_list != nullptr) {
        rv = get_function_list(&api_);
    }
    if (rv != CKR_OK || api_ == nullptr) {
        dlclose(library_);
        throw Error(errors::module_not_loadable, fmt::format("{}: no PKCS#11 function list ({})",
                                                             path.string(), errors::rv_name(rv)));
    }
    // Modules are used from the portal's worker threads: let them lock with OS primitives.
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    rv = api_->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        dlclose(library_);
        throw errors::to_error(rv, errors::Step::load, 0, "C_Initialize " + path.string());
    }
    // Another user in this process initialised it first; finalising would pull the module out
    // from under them.
    finalize_ = rv == CKR_OK;
}

void Pkcs11Module::reinitialize() {
    if (!finalize_) {
        return;  // initialised by another user in this process: theirs to finalise
    }
    api_->C_Finalize(nullptr);
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    const CK_RV rv = api_->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        finalize_ = false;
        throw errors::to_error(rv, errors::Step::load, 0, "C_Initialize " + path_.string());
    }
}

Pkcs11Module::~Pkcs11Module() {
    if (finalize_) {
        api_->C_Finalize(nullptr);
    }
    dlclose(library_);
}

std::vector<TokenInfo> Pkcs11Module::slots() const {
    CK_ULONG count = 0;
    CK_RV rv = api_->C_GetSlotList(CK_FALSE, nullptr, &count);
    std::vector<CK_SLOT_ID> ids(count);
    if (rv == CKR_OK && count > 0) {
        rv = api_->C_GetSlotList(CK_FALSE, ids.data(), &count);
        ids.resize(count);
    }
    if (rv != CKR_OK) {
        throw errors::to_error(rv, errors::Step::other, 0, "C_GetSlotList");
    }
    std::vector<TokenInfo> out;
    out.reserve(ids.size());
    for (auto id : ids) {
        out.push_back(token(id));
    }
    return out;
}

TokenInfo Pkcs11Module::token(CK_SLOT_ID slot) const {
    TokenInfo info;
    info.slot = slot;
    CK_SLOT_INFO slot_info{};
    if (CK_RV rv = api_->C_GetSlotInfo(slot, &slot_info); rv != CKR_OK) {
        throw errors::to_error(rv, errors::Step::other, 0, "C_GetSlotInfo");
    }
    info.reader = trim_field(slot_info.slotDescription, sizeof slot_info.slotDescription);
    info.present = slot_info.flags & CKF_TOKEN_PRESENT;
    if (!info.present) {
        return info;
    }
    CK_TOKEN_INFO token_info{};
    CK_RV rv = api_->C_GetTokenInfo(slot, &token_info);
    if (rv == CKR_TOKEN_NOT_PRESENT) {
        info.present = false;  // pulled out between the two calls
        return info;
    }
    if (rv != CKR_OK) {
        throw errors::to_error(rv, errors::Step::other, 0, "C_GetTokenInfo");
    }
    info.label = trim_field(token_info.label, sizeof token_info.label);
    info.serial = trim_field(token_info.serialNumber, sizeof token_info.serialNumber);
    info.manufacturer = trim_field(token_info.manufacturerID, sizeof token_info.manufacturerID);
    info.model = trim_field(token_info.model, sizeof token_info.model);
    info.flags = token_info.flags;
    return info;
}

namespace {

void require_reader_and_card(const std::vector<TokenInfo>& slots) {
    if (slots.empty()) {
        throw Error(errors::no_reader);
    }
    for (const auto& slot : slots) {
        if (slot.present) {
            return;
        }
    }
    throw Error(errors::no_card);
}

}  // namespace

TokenInfo Pkcs11Module::find_token(std::string_view label) const {
    const auto all = slots();
    require_reader_and_card(all);
    for (const auto& slot : all) {
        if (slot.present && slot.initialized() && slot.label == label) {
            return slot;
        }
    }
    throw Error(errors::token_not_found, fmt::format("label '{}'", label));
}

TokenInfo Pkcs11Module::only_token() const {
    const auto all = slots();
    require_reader_and_card(all);
    for (const auto& slot : all) {
        if (slot.present && slot.initialized()) {
            return slot;
        }
    }
    throw Error(errors::no_card, "only uninitialised tokens");
}

TokenInfo Pkcs11Module::free_slot() const {
    for (const auto& slot : slots()) {
        if (slot.present && !slot.initialized()) {
            return slot;
        }
    }
    throw Error(errors::no_free_slot);
}

std::vector<CK_MECHANISM_TYPE> Pkcs11Module::mechanisms(CK_SLOT_ID slot) const {
    CK_ULONG count = 0;
    CK_RV rv = api_->C_GetMechanismList(slot, nullptr, &count);
    std::vector<CK_MECHANISM_TYPE> out(count);
    if (rv == CKR_OK && count > 0) {
        rv = api_->C_GetMechanismList(slot, out.data(), &count);
        out.resize(count);
    }
    if (rv != CKR_OK) {
        throw errors::to_error(rv, errors::Step::other, 0, "C_GetMechanismList");
    }
    return out;
}

}  // namespace sigcard::smartcard
