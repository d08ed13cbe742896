#include "common/error.hpp"

namespace sigcard {

Error::Error(const ErrorCode& code, std::string detail)
    : std::runtime_error(detail.empty() ? std::string(code.id)
                                        : std::string(code.id) + ": " + detail),
      code_(&code),
      detail_(std::move(detail)) {}

}  // namespace sigcard
