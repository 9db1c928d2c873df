"""BingX swap hosts and paths."""

LIVE_BASE_URL = "https://open-api.bingx.com"
DEMO_BASE_URL = "https://open-api-vst.bingx.com"  # VST demo trading
# A demo account's margin is the virtual asset VST, not USDT: [DOCV3] "Apply VST" ("Apply VST
# assets for demo trading ... demo domain: https://open-api-vst.bingx.com"), docs/venues/bingx.md 1.
DEMO_ASSET = "VST"

API_KEY_HEADER = "X-BX-APIKEY"

SERVER_TIME = "/openApi/swap/v2/server/time"
CONTRACTS = "/openApi/swap/v2/quote/contracts"
PRICE = "/openApi/swap/v1/ticker/price"
PRICE_V2 = "/openApi/swap/v2/quote/price"  # the 2023 path, still served by the venue
BALANCE = "/openApi/swap/v3/user/balance"  # an array, one entry per margin asset
BALANCE_V2 = "/openApi/swap/v2/user/balance"  # a single object under data.balance
POSITIONS = "/openApi/swap/v2/user/positions"
LEVERAGE = "/openApi/swap/v2/trade/leverage"
MARGIN_TYPE = "/openApi/swap/v2/trade/marginType"
POSITION_MODE = "/openApi/swap/v1/positionSide/dual"
ORDER = "/openApi/swap/v2/trade/order"
OPEN_ORDERS = "/openApi/swap/v2/trade/openOrders"
CANCEL_REPLACE = "/openApi/swap/v1/trade/cancelReplace"  # cancel one order and place another, atomically
TEST_ORDER = "/openApi/swap/v2/trade/order/test"
COMMISSION_RATE = "/openApi/swap/v2/user/commissionRate"  # the account's maker and taker rates
FILL_HISTORY = "/openApi/swap/v2/trade/fillHistory"  # the fills list with trade ids
# User-data stream (docs/venues/bingx.md section 9): the listen key, and the stream hosts.
LISTEN_KEY = "/openApi/user/auth/userDataStream"
LIVE_WS_URL = "wss://open-api-swap.bingx.com"
DEMO_WS_URL = "wss://vst-open-api-ws.bingx.com"  # section 9.1 prefers it over the conflicting live host
STREAM_PATH = "/swap-market"
