//! A base URL ending in the API's own path (`/api/v2/`) is taken without it.

use rescale::Client;
use rescale_simulator::SimulatorConfig;

/// The simulator's banner prints its API root, `http://127.0.0.1:PORT/api/v2/`: as a base URL it
/// is taken without the `/api/v2` the operation paths add.
#[tokio::test]
async fn a_base_url_ending_in_the_api_path_works() {
    let sim = rescale_simulator::start(SimulatorConfig::default())
        .await
        .expect("simulator");
    for base in [sim.api_url(), format!("{}/api/v2", sim.base_url())] {
        let client = Client::with_key(&base, sim.api_key()).expect("client");
        assert_eq!(client.runtime().base_url().path(), "/", "{base}");
        let page = client.list_analyses().send().await.expect("listed");
        assert!(page.into_body().count > 0);
    }
    // A base URL with its own prefix keeps it (only the API's path is dropped).
    let client =
        Client::with_key(format!("{}/proxy/api/v2/", sim.base_url()), "k").expect("client");
    assert_eq!(client.runtime().base_url().path(), "/proxy");
}
