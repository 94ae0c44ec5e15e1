# Sorts a peer profile's samples by what the peer was doing, judged by the Fabric package on the
# sample's stack (the first rule that matches wins, so the order below matters).
# Record and read:
#   perf record -F 499 -g -p "$(pgrep -f 'peer node start' | paste -sd,)" -o peers.data -- sleep 60
#   perf script -i peers.data -F comm,ip,sym | awk -f test/tools/peer-cpu-categories.awk
# A sample is a header line naming the process, then one "<address> <symbol>" line per frame.
function flush(   category) {
  if (stack == "") return
  category = "other"
  if (stack ~ /core\/chaincode\./) category = "chaincode messages (endorsement)"
  else if (stack ~ /txvalidator|plugindispatcher|handlers\/validation/) category = "commit: endorsement policies"
  else if (stack ~ /kvledger\/history\./) category = "commit: history database"
  else if (stack ~ /ValidateAndPrepare|txmgmt\/validation\./) category = "commit: MVCC checks"
  else if (stack ~ /goleveldb\/leveldb\.\(\*DB\)\.(tCompaction|mCompaction|compactionTransact|memCompaction)/) category = "LevelDB merges"
  else if (stack ~ /kvledger|blkstorage|StoreBlock|committer|deliverPayloads/) category = "commit: state and blocks"
  else if (stack ~ /core\/endorser|internal\/pkg\/gateway/) category = "endorser and gateway"
  else if (stack ~ /fabric\/gossip/) category = "gossip"
  else if (stack ~ /deliverservice|blocksprovider/) category = "block delivery"
  else if (stack ~ /crypto\/tls|google\.golang\.org\/grpc|http2/) category = "gRPC and TLS (any stream)"
  else if (stack ~ /gcBgMarkWorker|gcDrain|markroot|bgsweep|bgscavenge/) category = "garbage collection"
  else if (stack ~ /runtime\.(schedule|mcall|findRunnable|sysmon|mstart|park_m|stopm|usleep)/) category = "Go scheduler"
  count[category]++
  total++
  stack = ""
}
/^[^ \t]/ { flush(); next }
NF >= 2 { stack = stack " " $2 }
END {
  flush()
  for (category in count) printf "%5.1f %%  %s\n", 100 * count[category] / total, category | "sort -rn"
  close("sort -rn")
  printf "%d samples\n", total
}
