# shellcheck shell=bash
# shellcheck disable=SC2034 # read by network/scripts/lib.sh and the scripts sourcing it
# The ESTP network topology (docs/design.md#consortium): sourced by network/scripts/lib.sh.
# Ports are offsets from ESTP_PORT_BASE (default 7000); see org_port in lib.sh and docs/network.md.
# Each org is its own host (docs/deploy.md): its directory .fabric/orgs/<org>, its processes bound
# to its own address, and only public files exchanged through .fabric/consortium.

CHANNEL_NAME=estp
CHAINCODE_NAME=estp
DOMAIN=estp.local

# Raft ordering service of OrdererMSP (org directory .fabric/orgs/orderer): orderer1..orderer3,
# each on its own address (override with ESTP_ORDERER<N>_ADDRESS and ESTP_ORDERER<N>_HOST).
ORDERER_MSP=OrdererMSP
ORDERER_ADDRESS=(127.0.0.11 127.0.0.12 127.0.0.13)
ORDERER_COUNT=${#ORDERER_ADDRESS[@]}

# Peer organisations, in port-block order (utility = block 1, enterprise = 2, community = 3).
PEER_ORGS=(utility enterprise community)
declare -A ORG_MSP=([utility]=UtilityMSP [enterprise]=EnterpriseMSP [community]=CommunityMSP)
declare -A ORG_NAME=([utility]=Utility [enterprise]=Enterprise [community]=Community)
declare -A ORG_BLOCK=([utility]=1 [enterprise]=2 [community]=3)
# The address each org's processes bind to, never 0.0.0.0 nor another org's: by default a loopback
# address of its own (Linux routes all of 127/8 to lo). Other orgs dial ORG_HOST (default: the
# address), which the org's TLS certificates name. Override per org with ESTP_<ORG>_ADDRESS and
# ESTP_<ORG>_HOST (e.g. ESTP_UTILITY_HOST=estp.utility.example), before the network is created.
declare -A ORG_ADDRESS=([utility]=127.0.1.1 [enterprise]=127.0.2.1 [community]=127.0.3.1)
declare -A ORG_HOST=()
# Peers per org: peer0 and peer1 both endorse and serve the gateway, each with its own chaincode
# service, so one of them down costs the org's members nothing (docs/network.md). 1 or 2; override
# with ESTP_PEERS_PER_ORG before the network is created.
PEERS_PER_ORG=2

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
# attribute estp.role). Enrolled into the org's wallet, .fabric/orgs/<org>/wallet/<enrolmentId>.id.
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
