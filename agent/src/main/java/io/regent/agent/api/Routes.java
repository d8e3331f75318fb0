package io.regent.agent.api;

import io.vertx.ext.web.Router;

/** A group of endpoints: registers its routes on the server's router. */
interface Routes {

    void register(Router router);
}
