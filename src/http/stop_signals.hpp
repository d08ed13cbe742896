// How a server program (portal, agent) waits for Ctrl-C or SIGTERM: the signals are blocked
// before any server thread starts, so that only the waiting thread receives them.
#pragma once

#include <csignal>

namespace sigcard::http {

class StopSignals {
public:
    // Blocks SIGINT and SIGTERM for this thread and every thread it starts afterwards.
    StopSignals();
    // Waits for one of them and returns which.
    int wait() const;

private:
    sigset_t signals_;
};

}  // namespace sigcard::http
