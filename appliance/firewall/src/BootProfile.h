#pragma once

#include <string>

namespace medbox::firewall {

// The default boot profile: what the appliance loads before any network
// comes up while no chosen profile has been applied (or the saved one cannot
// be used). Only the management NIC is open, for SSH and the console, from
// anywhere (the admin subnets are not known yet); every other NIC, the DMZ
// included, drops everything in and out. No validation input: the NIC name
// is checked by the caller (isValidInterfaceName).
std::string renderBootRuleset(const std::string& managementNic);

// The replacing transaction for it, like transactionBuffer() for a profile.
std::string bootTransactionBuffer(const std::string& managementNic);

// The table comment the boot profile carries ("medbox model=boot ...").
std::string bootComment(const std::string& managementNic);

}  // namespace medbox::firewall
