/// The harness's libpq client is the first driver: its members are the protocol's.
extension PostgresConnection: DatabaseConnection {}
