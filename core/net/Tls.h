#pragma once
// TLS contexts with Mozilla's "intermediate" settings (TLS 1.2 and 1.3, AEAD
// ciphers with forward secrecy), and a self-signed certificate made on first
// start when the configured files do not exist.
#include <Poco/Net/Context.h>
#include <string>
#include <vector>

namespace medbox::tls {

// Creates an EC P-256 key and a self-signed certificate valid for the given
// DNS names and IP addresses, if certFile does not exist yet. Key file mode 0600.
void ensureSelfSigned(const std::string& certFile, const std::string& keyFile,
                      const std::vector<std::string>& names, const std::string& commonName);

Poco::Net::Context::Ptr serverContext(const std::string& certFile, const std::string& keyFile);

// A client context that verifies peers against every *.crt / *.pem in caDir
// (our own services' certificates) and caFile if given.
Poco::Net::Context::Ptr clientContext(const std::string& caDir, const std::string& caFile = {});

}  // namespace medbox::tls
