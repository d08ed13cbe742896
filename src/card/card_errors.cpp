#include "card/card_errors.hpp"
