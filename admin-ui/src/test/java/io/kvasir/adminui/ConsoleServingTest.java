package io.kvasir.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The gateway serves the console's files to anyone, and still guards the admin API behind them. */
class ConsoleServingTest extends RunningGateway {

    private static final Pattern ASSET = Pattern.compile("/admin/assets/[A-Za-z0-9._-]+\\.(?:js|css)");

    @Test
    void thePageAndEveryAssetItNamesAreServedWithoutCredentials() {
        AdminApi anonymous = new AdminApi(port, null, null);
        AdminApi.Answer page = anonymous.get("/admin/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<div id=\"app\"></div>");
        Matcher assets = ASSET.matcher(page.body());
        List<String> paths = assets.results().map(m -> m.group()).toList();
        assertThat(paths).as("the built page names its script and stylesheet").hasSize(2);
        for (String path : paths) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void theAdminApiBehindTheConsoleStillNeedsAdminCredentials() {
        assertThat(new AdminApi(port, null, null).get("/admin/api/tenants").status()).isEqualTo(401);
        assertThat(new AdminApi(port, ADMIN, "wrong-password").get("/admin/api/tenants").status()).isEqualTo(401);
        assertThat(api.get("/admin/api/tenants").status()).isEqualTo(200);
    }
}
