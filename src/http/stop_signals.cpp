#include "http/stop_signals.hpp"

#include <pthread.h>

namespace sigcard::http {

StopSignals::StopSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int StopSignals::wait() const {
    int received = 0;
    sigwait(&signals_, &received);
    return received;
}

}  // namespace sigcard::http
