// FAKE class 2 card reader (reader with PIN pad) for tests and the demo — not for production.
//
// A PKCS#11 module that forwards every call to a real module (SoftHSM2) and adds what a PIN-pad
// reader and a real signature card do that SoftHSM2 cannot:
//   - reports CKF_PROTECTED_AUTHENTICATION_PATH, and answers a login with a NULL PIN with the
//     PIN "typed on the keypad" (from its configuration) or CKR_FUNCTION_CANCELED;
//   - counts wrong PINs like a card (SoftHSM2 does not) and reports CKF_USER_PIN_COUNT_LOW,
//     CKF_USER_PIN_FINAL_TRY and CKF_USER_PIN_LOCKED;
//   - mode=busy: C_OpenSession answers CKR_DEVICE_ERROR, as OpenSC does when another program
//     holds the card (PC/SC sharing violation);
//   - mode=removed: the card is gone — signing answers CKR_DEVICE_REMOVED, the slot is empty;
//   - mode=no_reader: no reader is connected (no slots at all).
//
// Configuration: a key=value file named by SIGCARD_PINPAD_FAKE_CONFIG, re-read on C_Initialize,
// C_OpenSession, C_Login, C_SignInit and slot/token queries, so a test can flip modes:
//   module=/path/to/libsofthsm2.so  pin=123456  mode=normal|cancel|busy|removed|no_reader
//   max_tries=3
#include <p11-kit/pkcs11.h>

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>

namespace {

struct FakeConfig {
    std::string module;
    std::string pin;
    bool has_pin = false;
    std::string mode = "normal";
    int max_tries = 3;
};

struct FakeState {
    std::mutex mutex;
    FakeConfig config;
    void* library = nullptr;
    CK_FUNCTION_LIST* real = nullptr;
    CK_FUNCTION_LIST list{};
    std::map<std::string, int> tries_left;  // by token serial: slot ids move, serials do not
};

FakeState& state() {
    static FakeState s;
    return s;
}

FakeConfig read_config() {
    FakeConfig config;
    const char* path = std::getenv("SIGCARD_PINPAD_FAKE_CONFIG");
    if (path == nullptr) {
        return config;
    }
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (line.empty() || line[0] == '#' || eq == std::string::npos) {
            continue;
        }
        const std::string key = line.substr(0, eq);
        const std::string value = line.substr(eq + 1);
        if (key == "module") {
            config.module = value;
        } else if (key == "pin") {
            config.pin = value;
            config.has_pin = true;
        } else if (key == "mode") {
            config.mode = value;
        } else if (key == "max_tries") {
            config.max_tries = std::atoi(value.c_str());
        }
    }
    return config;
}

// Re-reads the configuration; returns a copy to use outside the lock.
FakeConfig reload() {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.config = read_config();
    return s.config;
}

std::string serial_of_slot(CK_SLOT_ID slot) {
    CK_TOKEN_INFO info{};
    if (state().real->C_GetTokenInfo(slot, &info) != CKR_OK) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(info.serialNumber), sizeof info.serialNumber);
}

std::string serial_of_session(CK_SESSION_HANDLE session) {
    CK_SESSION_INFO info{};
    if (state().real->C_GetSessionInfo(session, &info) != CKR_OK) {
        return {};
    }
    return serial_of_slot(info.slotID);
}

int tries_left(const std::string& serial, int max_tries) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    auto it = s.tries_left.find(serial);
    return it == s.tries_left.end() ? max_tries : it->second;
}

void set_tries_left(const std::string& serial, int value) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.tries_left[serial] = value;
}

CK_RV fake_initialize(CK_VOID_PTR args) {
    reload();
    return state().real->C_Initialize(args);
}

CK_RV fake_get_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR slots, CK_ULONG_PTR count) {
    if (reload().mode == "no_reader") {
        if (count == nullptr) {
            return CKR_ARGUMENTS_BAD;
        }
        *count = 0;
        return CKR_OK;
    }
    return state().real->C_GetSlotList(present, slots, count);
}

CK_RV fake_get_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info) {
    const auto config = reload();
    CK_RV rv = state().real->C_GetSlotInfo(slot, info);
    if (rv == CKR_OK && config.mode == "removed") {
        info->flags &= ~static_cast<CK_FLAGS>(CKF_TOKEN_PRESENT);
    }
    return rv;
}

CK_RV fake_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
    const auto config = reload();
    if (config.mode == "removed") {
        return CKR_TOKEN_NOT_PRESENT;
    }
    CK_RV rv = state().real->C_GetTokenInfo(slot, info);
    if (rv != CKR_OK) {
        return rv;
    }
    info->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
    const std::string serial(reinterpret_cast<const char*>(info->serialNumber),
                             sizeof info->serialNumber);
    const int left = tries_left(serial, config.max_tries);
    if (left <= 0) {
        info->flags |= CKF_USER_PIN_LOCKED;
    } else if (left == 1) {
        info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
    } else if (left < config.max_tries) {
        info->flags |= CKF_USER_PIN_COUNT_LOW;
    }
    return CKR_OK;
}

CK_RV fake_open_session(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                        CK_SESSION_HANDLE_PTR session) {
    const auto config = reload();
    if (config.mode == "busy") {
        return CKR_DEVICE_ERROR;  // what OpenSC answers for SCARD_E_SHARING_VIOLATION
    }
    if (config.mode == "removed") {
        return CKR_TOKEN_NOT_PRESENT;
    }
    return state().real->C_OpenSession(slot, flags, app, notify, session);
}

CK_RV fake_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
                 CK_ULONG pin_len) {
    const auto config = reload();
    if (config.mode == "removed") {
        return CKR_DEVICE_REMOVED;
    }
    std::string keypad_pin;
    if (pin == nullptr) {
        // The holder types on the reader's keypad — or presses cancel / lets it time out.
        if (config.mode == "cancel" || !config.has_pin) {
            return CKR_FUNCTION_CANCELED;
        }
        keypad_pin = config.pin;
        pin = reinterpret_cast<CK_UTF8CHAR_PTR>(keypad_pin.data());
        pin_len = keypad_pin.size();
    }
    if (user == CKU_SO) {
        return state().real->C_Login(session, user, pin, pin_len);
    }
    const std::string serial = serial_of_session(session);
    const int left = tries_left(serial, config.max_tries);
    if (left <= 0) {
        return CKR_PIN_LOCKED;
    }
    CK_RV rv = state().real->C_Login(session, user, pin, pin_len);
    if (rv == CKR_PIN_INCORRECT) {
        set_tries_left(serial, left - 1);
    } else if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
        set_tries_left(serial, config.max_tries);
    }
    return rv;
}

CK_RV fake_sign_init(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key) {
    if (reload().mode == "removed") {
        return CKR_DEVICE_REMOVED;
    }
    return state().real->C_SignInit(session, mechanism, key);
}

CK_RV fake_sign(CK_SESSION_HANDLE session, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                CK_ULONG_PTR sig_len) {
    if (reload().mode == "removed") {
        return CKR_DEVICE_REMOVED;
    }
    return state().real->C_Sign(session, data, len, sig, sig_len);
}

CK_RV fake_get_function_list(CK_FUNCTION_LIST_PTR_PTR list);

CK_RV load_real_module() {
    auto& s = state();
    if (s.real != nullptr) {
        return CKR_OK;
    }
    const auto config = reload();
    if (config.module.empty()) {
        return CKR_GENERAL_ERROR;
    }
    s.library = dlopen(config.module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (s.library == nullptr) {
        return CKR_GENERAL_ERROR;
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(s.library, "C_GetFunctionList"));
    if (get == nullptr || get(&s.real) != CKR_OK) {
        return CKR_GENERAL_ERROR;
    }
    // Everything the fake does not change goes straight to the real module.
    s.list = *s.real;
    s.list.C_GetFunctionList = fake_get_function_list;
    s.list.C_Initialize = fake_initialize;
    s.list.C_GetSlotList = fake_get_slot_list;
    s.list.C_GetSlotInfo = fake_get_slot_info;
    s.list.C_GetTokenInfo = fake_get_token_info;
    s.list.C_OpenSession = fake_open_session;
    s.list.C_Login = fake_login;
    s.list.C_SignInit = fake_sign_init;
    s.list.C_Sign = fake_sign;
    return CKR_OK;
}

CK_RV fake_get_function_list(CK_FUNCTION_LIST_PTR_PTR list) {
    if (list == nullptr) {
        return CKR_ARGUMENTS_BAD;
    }
    if (CK_RV rv = load_real_module(); rv != CKR_OK) {
        return rv;
    }
    *list = &state().list;
    return CKR_OK;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) CK_RV C_GetFunctionList(
    CK_FUNCTION_LIST_PTR_PTR list) {
    return fake_get_function_list(list);
}
