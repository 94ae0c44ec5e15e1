# shellcheck shell=bash
# shellcheck disable=SC2034 # read by network/scripts/lib.sh and the scripts sourcing it
# City (docs/design.md#consortium: onboarded later): the city energy management office. Not a founding org, so
# not in config/topology.sh: `npm run network:add-org` brings it into the running network and
# records it in .fabric/config/onboarded-orgs; from then on lib.sh sources this declaration too.

ORG_MSP[city]=CityMSP
ORG_NAME[city]=City
# Port block 4: peer base+400, peer chaincode listener +401, operations +402, CA +404,
# CA operations +405, chaincode service +406; its own address (ESTP_CITY_ADDRESS / ESTP_CITY_HOST).
ORG_BLOCK[city]=4
ORG_ADDRESS[city]=127.0.4.1
# Its Organisation record on the ledger, as its admission proposal states it
# (Consortium:ProposeOrganisation; capabilities as in config/topology.sh, docs/trust.md).
ORG_DISPLAY_NAME[city]='City energy management office'
ORG_CAPABILITIES[city]=admin,member,arbiter,auditor

# CA-enrolled users, "org:enrolmentId:estp.role" as in topology.sh.
CA_USERS+=(
  city:admin:admin
  city:member1:member
  city:member2:member
  city:auditor:auditor
)
