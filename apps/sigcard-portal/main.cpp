// sigcard-portal: the trust center's web server. Only wires the portal's parts together.
#include "portal/portal_app.hpp"

int main(int argc, char** argv) { return sigcard::portal::run_portal(argc, argv); }
