# shellcheck shell=bash
# shellcheck disable=SC2034 # read by network/scripts/lib.sh and the scripts sourcing it
# The ESTP network topology (docs/design.md#consortium): sourced by network/scripts/lib.sh.
# Ports are offsets from ESTP_PORT_BASE (default 7000); see port_of in lib.sh and docs/network.md.

CHANNEL_NAME=estp
CHAINCODE_NAME=estp
DOMAIN=estp.local

# Raft ordering service of OrdererMSP: orderer1..orderer$ORDERER_COUNT.
ORDERER_MSP=OrdererMSP
ORDERER_COUNT=3

# Peer organisations, in port-block order (utility = block 1, enterprise = 2, community = 3).
PEER_ORGS=(utility enterprise community)
declare -A ORG_MSP=([utility]=UtilityMSP [enterprise]=EnterpriseMSP [community]=CommunityMSP)
declare -A ORG_NAME=([utility]=Utility [enterprise]=Enterprise [community]=Community)
declare -A ORG_BLOCK=([utility]=1 [enterprise]=2 [community]=3)

# The founding declaration (docs/trust.md): each founding org's Organisation record on the ledger.
# Consortium:Bootstrap records it once the ESTP admin of every founding org has confirmed exactly
# this declaration (network/scripts/chaincode.sh runs the confirmations). Capabilities are the
# estp.role values an org's identities may exercise — a role its CA enrols that its org does not
# hold is refused — and self-metering zones the grid zones where its meters may report trades of
# its own members. Later changes are proposals voted by the orgs (`estp consortium propose-change`).
declare -A ORG_DISPLAY_NAME=(
  [utility]='Utility (grid operator)'
  [enterprise]='Enterprise (industrial members)'
  [community]='Community (energy co-op)'
)
declare -A ORG_CAPABILITIES=(
  [utility]=admin,member,meter,treasurer,verifier,arbiter,auditor
  [enterprise]=admin,member,verifier,arbiter,auditor
  [community]=admin,member,arbiter,auditor
)
# The grid operator meters its own members' trades in its zone (the demo's district heating).
declare -A ORG_SELF_METERING_ZONES=([utility]=ZONE-A)

# CA-enrolled users: "org:enrolmentId:estp.role" (roles comma-separated, in the certificate
# attribute estp.role). Enrolled into .fabric/organizations/<org>/users/<enrolmentId>/msp.
CA_USERS=(
  utility:admin:admin
  utility:treasurer:treasurer
  utility:meter:meter
  utility:arbiter:arbiter
  utility:auditor:auditor
  utility:member1:member
  enterprise:admin:admin
  enterprise:verifier:verifier
  enterprise:arbiter:arbiter
  enterprise:member1:member
  enterprise:member2:member
  enterprise:member3:member
  community:admin:admin
  community:arbiter:arbiter
  community:member1:member
  community:member2:member
  community:member3:member
)
