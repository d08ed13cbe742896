#include "authority/id_copy_keys.hpp"

namespace sigcard::authority {

HsmKeyWrapper::HsmKeyWrapper(TrustCenter& tc)
    : key_(tc.hsm_module(), tc.hsm_module().find_token(tc.config().hsm.token_label).slot,
           hsm_pin(tc.config()), label) {}

}  // namespace sigcard::authority
