"""Binance USDⓈ-M futures hosts and paths (docs/venues/binance.md sections 1 and 5)."""

# Three environments, each with its own keys (docs/venues/binance.md section 1): live; Demo
# Trading ([GI] "Testnet API Information": REST demo-fapi.binance.com, streams
# fstream.binancefuture.com; [SDK] ..._REST_API_DEMO_URL); and the futures testnet ([SDK]
# ..._REST_API_TESTNET_URL and ..._WS_STREAMS_TESTNET_URL).
LIVE_BASE_URL = "https://fapi.binance.com"
DEMO_BASE_URL = "https://demo-fapi.binance.com"
TESTNET_BASE_URL = "https://testnet.binancefuture.com"

API_KEY_HEADER = "X-MBX-APIKEY"

SERVER_TIME = "/fapi/v1/time"
EXCHANGE_INFO = "/fapi/v1/exchangeInfo"
PRICE = "/fapi/v2/ticker/price"  # v1 is marked deprecated
BALANCE = "/fapi/v3/balance"
ACCOUNT = "/fapi/v2/account"
# v2 lists every symbol with its leverage and margin type; v3 drops both.
POSITION_RISK = "/fapi/v2/positionRisk"
LEVERAGE = "/fapi/v1/leverage"
MARGIN_TYPE = "/fapi/v1/marginType"
POSITION_MODE = "/fapi/v1/positionSide/dual"
ORDER = "/fapi/v1/order"
TEST_ORDER = "/fapi/v1/order/test"
ALGO_ORDER = "/fapi/v1/algoOrder"
OPEN_ALGO_ORDERS = "/fapi/v1/openAlgoOrders"
ALL_ALGO_ORDERS = "/fapi/v1/allAlgoOrders"
OPEN_ORDERS = "/fapi/v1/openOrders"
COMMISSION_RATE = "/fapi/v1/commissionRate"  # the account's rates on one symbol
USER_TRADES = "/fapi/v1/userTrades"
# User-data stream (docs/venues/binance.md section 9): the listen key, and the stream hosts.
LISTEN_KEY = "/fapi/v1/listenKey"
LIVE_WS_URL = "wss://fstream.binance.com"
DEMO_WS_URL = "wss://fstream.binancefuture.com"
TESTNET_WS_URL = "wss://fstream.binancefuture.com"
