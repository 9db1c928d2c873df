-- wrk: every request a webhook with a wrong passphrase (bench/profiles/burst.py, refusal-wrk).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"action": "buy", "ticker": "BTCUSDT", "id": "refused-wrk", "quantity": "0.001", "passphrase": "wrong"}'
