DROP TABLE addresses;
DROP TABLE wallet_entries;
DROP TABLE wallets;
